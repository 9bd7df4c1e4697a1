// A real Apache Kafka broker for the tests, without Docker: Kafka 3.9 jars from Maven Central
// (cached in ~/.cache/roc-ledger), KRaft storage formatted in a temporary folder, and kafka.Kafka
// started on 127.0.0.1 as combined broker and controller.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const KAFKA_VERSION = '3.9.1';
const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'roc-ledger', `kafka-${KAFKA_VERSION}`);
const libs = join(cacheDir, 'libs');

/** Downloads the broker's jars once (mvn dependency:copy-dependencies); later runs use the cache. */
export const ensureKafkaJars = (): string => {
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka_2.13'))) return libs;
  mkdirSync(cacheDir, { recursive: true });
  const mvn = spawnSync('mvn', ['-q', '-B', '-f', join(import.meta.dirname, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`], { stdio: 'inherit' });
  if (mvn.status !== 0) throw new Error(`fetching Kafka ${KAFKA_VERSION} with Maven failed (exit ${mvn.status})`);
  return libs;
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const waitForPort = async (port: number, child: ChildProcess, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Kafka exited with code ${child.exitCode} before it listened`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Kafka did not listen on ${port} within ${timeoutMs} ms`);
};

export interface RunningBroker {
  readonly brokers: string[];
  stop(): Promise<void>;
}

/** Starts a single-node KRaft broker on free local ports; stop() kills it and removes its data. */
export const startKafkaBroker = async (): Promise<RunningBroker> => {
  const classpath = `${ensureKafkaJars()}/*`;
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'log.flush.interval.messages=9223372036854775807',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'log4j.properties'), ['log4j.rootLogger=WARN, file', 'log4j.appender.file=org.apache.log4j.FileAppender', `log4j.appender.file.File=${join(dir, 'kafka.log')}`, 'log4j.appender.file.layout=org.apache.log4j.PatternLayout', 'log4j.appender.file.layout.ConversionPattern=%d %p %c %m%n'].join('\n'));
  const java = ['-Xms256m', '-Xmx768m', `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`, '-cp', classpath];
  const clusterId = randomBytes(16).toString('base64url');
  // `--cluster-id=<id>` in one argument: a base64url id starts with '-' one time in 64, which the tool's parser took for an option.
  const format = spawnSync('java', [...java, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', properties], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`formatting KRaft storage failed: ${format.stderr || format.stdout}`);
  const child = spawn('java', [...java, 'kafka.Kafka', properties], { stdio: 'ignore' });
  await waitForPort(port, child, 60_000);
  return {
    brokers: [`127.0.0.1:${port}`],
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
