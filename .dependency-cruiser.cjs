/**
 * Which top-level folder may import which (`npm run lint` checks it, so CI fails on a crossing).
 *
 * The layers, each importing only those below it:
 *
 *   tests, bench            what drives and measures the whole
 *   bin, testkit            what composes the apps: `npm start`, and the harness tests and benchmarks share
 *   cli, settlement-service, demo, pos-terminal
 *   projections             read models, built from the events
 *   event-store             the event-store port and its adapters
 *   database                PostgreSQL: embedded or external, connections, migrations
 *   domain                  the pure domain every app shares
 *
 * The counter terminal (`pos-terminal`) and the demo talk to the service over HTTP only, so they import
 * `domain/` and nothing else of the project; no app imports another. A test file (`*.test.ts`) belongs
 * to the top layer wherever it sits, except that the terminal's tests never reach into the service's
 * side and the service's tests never into the terminal.
 */
const TEST_FILE = '\\.test\\.ts$';
const PROJECT_FOLDER = '^(?!node_modules/)[^/]+/';

/** A folder's code may import only its own folder and the ones listed. */
const layer = (folder, mayImport) => ({
  name: `${folder}-imports-only-${mayImport.length === 0 ? 'itself' : mayImport.join('-')}`,
  severity: 'error',
  comment: `${folder}/ may import ${['itself', ...mayImport].join(', ')}.`,
  from: { path: `^${folder}/`, pathNot: TEST_FILE },
  to: {
    path: PROJECT_FOLDER,
    pathNot: `^(${[folder, ...mayImport].join('|')})/`,
    dependencyTypesNot: ['core'],
  },
});

module.exports = {
  forbidden: [
    layer('domain', []),
    layer('database', ['domain']),
    layer('event-store', ['database', 'domain']),
    layer('projections', ['event-store', 'database', 'domain']),
    layer('settlement-service', ['projections', 'event-store', 'database', 'domain']),
    layer('cli', ['projections', 'event-store', 'database', 'domain']),
    layer('pos-terminal', ['domain']),
    layer('demo', ['domain']),
    layer('testkit', [
      'demo',
      'cli',
      'pos-terminal',
      'settlement-service',
      'projections',
      'event-store',
      'database',
      'domain',
    ]),
    layer('bin', [
      'testkit',
      'demo',
      'cli',
      'pos-terminal',
      'settlement-service',
      'projections',
      'event-store',
      'database',
      'domain',
    ]),
    layer('bench', [
      'bin',
      'testkit',
      'demo',
      'cli',
      'pos-terminal',
      'settlement-service',
      'projections',
      'event-store',
      'database',
      'domain',
    ]),
    {
      name: 'terminal-tests-stay-on-the-terminal-side',
      severity: 'error',
      comment:
        'The terminal is tested against the service over HTTP (through tests/ or testkit/), never by importing its side.',
      from: { path: '^pos-terminal/' },
      to: { path: '^(settlement-service|projections|event-store|database)/' },
    },
    {
      name: 'service-tests-never-import-the-terminal',
      severity: 'error',
      from: { path: '^(settlement-service|projections|event-store|database)/' },
      to: { path: '^pos-terminal/' },
    },
    {
      name: 'domain-uses-no-infrastructure-package',
      severity: 'error',
      comment: 'domain/ is pure: of the packages, only zod (schemas) and node built-ins such as node:crypto.',
      from: { path: '^domain/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: '^node_modules/zod/',
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules that import each other, however indirectly, cannot be understood or changed one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^/assets/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data|coverage|\\.tmp)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
