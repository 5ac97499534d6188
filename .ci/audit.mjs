// npm audit of the production dependencies: fails on any high or critical advisory. A registry that
// offers no audit endpoint (a mirror answering 405, no network) cannot tell: that is said plainly and
// does not fail the run, unless ZHUCAN_AUDIT=required.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = { message: (run.stderr || run.stdout || `npm audit exited ${run.status}`).trim() };
}

const counts = report.metadata?.vulnerabilities;
if (!counts) {
  console.log(
    `npm audit: no answer from the registry's audit endpoint (${report.message ?? 'unknown error'})`,
  );
  console.log('npm audit: dependencies NOT checked for advisories');
  process.exit(process.env.ZHUCAN_AUDIT === 'required' ? 1 : 0);
}

const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(
  `npm audit: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`,
);
for (const [name, entry] of Object.entries(report.vulnerabilities ?? {})) {
  if (entry.severity === 'high' || entry.severity === 'critical') {
    const via = entry.via
      .map((advisory) => (typeof advisory === 'string' ? advisory : advisory.title))
      .join('; ');
    console.log(`  ${entry.severity}: ${name} ${entry.range} — ${via}`);
  }
}
process.exit(serious > 0 ? 1 : 0);
