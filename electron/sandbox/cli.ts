// Runs the sandbox as its own process (`npx tsx electron/sandbox/cli.ts --seed demo`), so a
// child process or a person can point the app at it and drive it through /_sandbox/.
import { startSandbox, type SandboxOptions } from './index';

function parse(argv: readonly string[]): SandboxOptions {
  const out: SandboxOptions = { seed: 'demo', log: (line) => console.log(line) };
  let companies: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port':
        out.port = Number(value());
        break;
      case '--token':
        out.token = value();
        break;
      case '--control-token':
        out.controlToken = value();
        break;
      case '--search-lag':
        out.searchLagMs = Number(value());
        break;
      case '--seed': {
        const v = value();
        out.seed = v === 'demo' || v === 'empty' ? v : { contacts: Number(v), companies: companies ?? Math.floor(Number(v) / 100), withStageAttributes: true };
        break;
      }
      case '--companies':
        companies = Number(value());
        if (out.seed && typeof out.seed === 'object') out.seed.companies = companies;
        break;
      case '--latency':
        out.faults = { ...out.faults, latencyMs: Number(value()) };
        break;
      case '--rate-limit': {
        // N per window: "1000/10000" is 1,000 requests per 10 s
        const [limit, windowMs] = value().split('/').map(Number);
        out.rateLimit = { limit: limit!, windowMs: windowMs ?? 10_000 };
        break;
      }
      case '--random-seed':
        out.randomSeed = Number(value());
        break;
      case '--quiet':
        delete out.log;
        break;
      default:
        throw new Error(
          `unknown option ${flag}; use --port N --token T --control-token T --search-lag MS --seed demo|empty|N --companies N --latency MS --rate-limit N/WINDOW_MS --random-seed N --quiet`,
        );
    }
  }
  return out;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox(parse(process.argv.slice(2)));
  // One machine-readable line first, for a parent process waiting on stdout
  console.log(JSON.stringify({ url: sandbox.url, token: sandbox.token, controlToken: sandbox.controlToken }));
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
