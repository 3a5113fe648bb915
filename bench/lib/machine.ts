// The machine a run happened on, printed above the table: figures from a
// shared 2-core box are not figures from a laptop, and the load average says
// how busy the neighbours were.
import os from 'node:os';
import amqp from 'amqplib';

export interface MachineInfo {
  cpu: string;
  cores: number;
  mhz: number;
  memoryGb: number;
  os: string;
  node: string;
  rabbitmq: string;
  /** 1-, 5-, 15-minute load averages when the run started (other users of the machine). */
  loadAverage: number[];
  date: string;
}

export async function machineInfo(amqpUrl: string): Promise<MachineInfo> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    mhz: cpus[0]?.speed ?? 0,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    rabbitmq: await rabbitVersion(amqpUrl),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}

/** The version the broker announces in connection.start (server-properties "version"). */
export async function rabbitVersion(amqpUrl: string): Promise<string> {
  try {
    const model = await amqp.connect(amqpUrl, { timeout: 2000 });
    const props = model.connection.serverProperties as Record<string, unknown>;
    await model.close();
    return `${String(props.product ?? 'RabbitMQ')} ${String(props.version ?? '?')}`;
  } catch (err) {
    return `unreachable (${(err as Error).message})`;
  }
}

export function describeMachine(m: MachineInfo): string {
  return [
    `machine: ${m.cpu}, ${m.cores} cores${m.mhz > 0 ? ` @ ${m.mhz} MHz` : ''}, ${m.memoryGb} GB, ${m.os}`,
    `node ${m.node}, ${m.rabbitmq}, load average ${m.loadAverage.join(' / ')} (1/5/15 min) at ${m.date}`,
  ].join('\n');
}
