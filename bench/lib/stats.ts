// Moved to tools/ (shared by the tests and the bench).
export * from '../../tools/stats.js';
