/**
 * DynamoDB Local has no bind-address option: its `ServerRunner` builds Jetty's `new Server(port)`, which
 * listens on every interface, and it accepts any credentials. Neither Jetty 12 nor the JVM has a system
 * property that changes that, and a JRE has no `javac` to build a launcher from source. So this module
 * writes that launcher's class file itself: one straight-line `main` (no branches, hence no StackMapTable
 * to compute) that does what `java -jar DynamoDBLocal.jar` does, with the connector's host set to loopback
 * before the server starts:
 *
 * ```java
 * public final class LambdalithLoopbackDynamoDbLocal {
 *   public static void main(String[] args) throws Exception {
 *     DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
 *     Field field = DynamoDBProxyServer.class.getDeclaredField("server");
 *     field.setAccessible(true);
 *     ((ServerConnector) ((Server) field.get(proxy)).getConnectors()[0]).setHost("127.0.0.1");
 *     proxy.start();
 *   }
 * }
 * ```
 *
 * It relies on two internals of the bundled DynamoDB Local (the private `server` field and its single
 * connector). Should a new version change them, `main` throws before anything listens, the JVM exits, and
 * the start fails with its stack trace: the database is never exposed by accident.
 */

/** The launcher's binary class name (default package): put its directory first on the class path. */
export const LOOPBACK_LAUNCHER_CLASS = 'LambdalithLoopbackDynamoDbLocal';

/** The address the launcher binds; the endpoint the app uses must name the same one. */
export const LOOPBACK_HOST = '127.0.0.1';

const PROXY_SERVER = 'software/amazon/dynamodb/services/local/server/DynamoDBProxyServer';
const SERVER_RUNNER = 'software/amazon/dynamodb/services/local/main/ServerRunner';
const JETTY_SERVER = 'org/eclipse/jetty/server/Server';
const JETTY_SERVER_CONNECTOR = 'org/eclipse/jetty/server/ServerConnector';

// JVM instruction opcodes used below (JVM Specification, chapter 6).
const op = {
  aload_0: 0x2a,
  aload_1: 0x2b,
  aload_2: 0x2c,
  astore_1: 0x4c,
  astore_2: 0x4d,
  iconst_0: 0x03,
  iconst_1: 0x04,
  aaload: 0x32,
  ldc_w: 0x13,
  invokestatic: 0xb8,
  invokevirtual: 0xb6,
  checkcast: 0xc0,
  return: 0xb1,
} as const;

/** The launcher's class file (Java 8 format, so any Java 11+ runtime loads it). */
export function loopbackLauncherClassFile(): Buffer {
  const pool = new ConstantPool();
  const method = (owner: string, name: string, descriptor: string): number => pool.methodRef(owner, name, descriptor);
  const u2 = (index: number): number[] => [index >> 8, index & 0xff];

  const code = [
    op.aload_0,
    op.invokestatic,
    ...u2(method(SERVER_RUNNER, 'createServerFromCommandLineArgs', `([Ljava/lang/String;)L${PROXY_SERVER};`)),
    op.astore_1,
    op.ldc_w,
    ...u2(pool.classRef(PROXY_SERVER)),
    op.ldc_w,
    ...u2(pool.string('server')),
    op.invokevirtual,
    ...u2(method('java/lang/Class', 'getDeclaredField', '(Ljava/lang/String;)Ljava/lang/reflect/Field;')),
    op.astore_2,
    op.aload_2,
    op.iconst_1,
    op.invokevirtual,
    ...u2(method('java/lang/reflect/Field', 'setAccessible', '(Z)V')),
    op.aload_2,
    op.aload_1,
    op.invokevirtual,
    ...u2(method('java/lang/reflect/Field', 'get', '(Ljava/lang/Object;)Ljava/lang/Object;')),
    op.checkcast,
    ...u2(pool.classRef(JETTY_SERVER)),
    op.invokevirtual,
    ...u2(method(JETTY_SERVER, 'getConnectors', '()[Lorg/eclipse/jetty/server/Connector;')),
    op.iconst_0,
    op.aaload,
    op.checkcast,
    ...u2(pool.classRef(JETTY_SERVER_CONNECTOR)),
    op.ldc_w,
    ...u2(pool.string(LOOPBACK_HOST)),
    op.invokevirtual,
    ...u2(method(JETTY_SERVER_CONNECTOR, 'setHost', '(Ljava/lang/String;)V')),
    op.aload_1,
    op.invokevirtual,
    ...u2(method(PROXY_SERVER, 'start', '()V')),
    op.return,
  ];
  const maxStack = 2;
  const maxLocals = 3; // args, proxy, field

  const thisClass = pool.classRef(LOOPBACK_LAUNCHER_CLASS);
  const superClass = pool.classRef('java/lang/Object');
  const mainName = pool.utf8('main');
  const mainDescriptor = pool.utf8('([Ljava/lang/String;)V');
  const codeAttributeName = pool.utf8('Code');

  const codeAttribute = [
    ...u2(maxStack),
    ...u2(maxLocals),
    ...u4(code.length),
    ...code,
    ...u2(0), // exception table
    ...u2(0), // attributes
  ];
  const ACC_PUBLIC = 0x0001;
  const ACC_STATIC = 0x0008;
  const ACC_FINAL = 0x0010;
  const ACC_SUPER = 0x0020;
  return Buffer.from([
    ...u4(0xcafebabe),
    ...u2(0), // minor version
    ...u2(52), // major version: Java 8
    ...pool.bytes(),
    ...u2(ACC_PUBLIC | ACC_FINAL | ACC_SUPER),
    ...u2(thisClass),
    ...u2(superClass),
    ...u2(0), // interfaces
    ...u2(0), // fields
    ...u2(1), // methods: main only (the class is never instantiated, so it needs no constructor)
    ...u2(ACC_PUBLIC | ACC_STATIC),
    ...u2(mainName),
    ...u2(mainDescriptor),
    ...u2(1), // method attributes: Code
    ...u2(codeAttributeName),
    ...u4(codeAttribute.length),
    ...codeAttribute,
    ...u2(0), // class attributes
  ]);
}

function u4(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

/** A class file's constant pool: entries are added once and referred to by their 1-based index. */
class ConstantPool {
  private readonly entries: number[][] = [];
  private readonly indexes = new Map<string, number>();

  utf8(text: string): number {
    // Every name here is ASCII, for which the class file's modified UTF-8 is plain ASCII.
    if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`not an ASCII constant: ${text}`);
    const bytes = [...Buffer.from(text, 'ascii')];
    return this.add(`utf8:${text}`, [1, bytes.length >> 8, bytes.length & 0xff, ...bytes]);
  }

  classRef(internalName: string): number {
    return this.add(`class:${internalName}`, [7, ...this.u2(this.utf8(internalName))]);
  }

  string(text: string): number {
    return this.add(`string:${text}`, [8, ...this.u2(this.utf8(text))]);
  }

  methodRef(owner: string, name: string, descriptor: string): number {
    const nameAndType = this.add(`nat:${name}:${descriptor}`, [
      12,
      ...this.u2(this.utf8(name)),
      ...this.u2(this.utf8(descriptor)),
    ]);
    return this.add(`method:${owner}.${name}${descriptor}`, [
      10,
      ...this.u2(this.classRef(owner)),
      ...this.u2(nameAndType),
    ]);
  }

  bytes(): number[] {
    return [...this.u2(this.entries.length + 1), ...this.entries.flat()];
  }

  private add(key: string, entry: number[]): number {
    const existing = this.indexes.get(key);
    if (existing !== undefined) return existing;
    this.entries.push(entry);
    const index = this.entries.length;
    this.indexes.set(key, index);
    return index;
  }

  private u2(index: number): number[] {
    return [index >> 8, index & 0xff];
  }
}
