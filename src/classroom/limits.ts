// The bounds of a class (issue 15: 500 students, answers rate-limited).
export const CLASS_LIMITS = {
  students: 500,
  /** Characters of a student's name. */
  name: 40,
  /** Characters of a challenge answer (a binding key or headers arguments). */
  answerText: 300,
  /** Answers (and other inputs) per student: a bucket of `burst`, refilled `perSecond`. */
  answersPerSecond: 2,
  answersBurst: 6,
  /** A class nobody touches for this long ends by itself, and leaves nothing on the broker. */
  idleMs: 4 * 60 * 60 * 1000,
  /** Live connections per class (students' tabs plus teachers'). */
  connections: 1200,
} as const;
