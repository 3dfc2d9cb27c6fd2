// What `upgrade-harness init` writes into a user's project: a matrix that runs at once on the
// harness's own sample app, and a scenario and matrix for the user's app to fill in.

export function initFiles(app: string): Record<string, string> {
  return {
    'matrices/try-sample-app.yaml': `# Runs as it is: the harness's own sample app (a small service on PostgreSQL), upgraded
# 1.0.0 -> 1.1.0 by rolling and recreate on local processes, under live traffic.
#   npx upgrade-harness run matrices/try-sample-app.yaml
name: try-sample-app
scenario: sample-app
platforms: [local]
hops: [{ from: 1.0.0, to: 1.1.0 }]
methods: [rolling, recreate]
replicas: 2
traffic: { rate: 50, timeoutMs: 2000, warmUpMs: 1000, settleMs: 1000 }
gates: { failedRequests: 0, lostWrites: 0 }
overrides:
  # recreate stops the old version before it starts the new one: judge the outage's length.
  - when: { method: recreate }
    gates: { failedRequests: null, longestOutageMs: 15000 }
`,
    'matrices/upgrade.yaml': `# Your app's upgrade matrix: every platform x hop x method below is a cell with a verdict.
#   npx upgrade-harness plan matrices/upgrade.yaml     # the cells, nothing started
#   npx upgrade-harness run matrices/upgrade.yaml      # reports in reports/<run-id>/
name: upgrade
scenario: ${app}                  # scenarios/${app}/scenario.yaml
platforms: [local]
hops:
  - { from: 1.0.0, to: 1.1.0 }
methods: [rolling, blue-green, recreate]
replicas: 2
traffic: { rate: 50, timeoutMs: 2000, warmUpMs: 2000, settleMs: 2000 }
slo: 0.999
rollback: true                    # after the upgrade, return to the old version and measure that too
# Zero-downtime methods may not fail a single request nor lose a write.
gates: { failedRequests: 0, lostWrites: 0 }
overrides:
  - when: { method: recreate }
    gates: { failedRequests: null, longestOutageMs: 15000 }
`,
    [`scenarios/${app}/scenario.yaml`]: `# How the harness installs, runs, migrates and probes ${app}. Fill in the commands; the
# {{placeholders}} are filled per replica. Check it with: npx upgrade-harness plan matrices/upgrade.yaml
name: ${app}
endpoints:
  health: /healthz                # 200 while the process runs
  ready: /readyz                  # 200 when it can serve (database reachable); the harness waits for it
  version: /version               # the running version, or send an X-App-Version header on every answer
probes:
  read: { method: GET, path: / }  # the request live traffic repeats during the upgrade
  # write: { method: POST, path: /items, readBack: /items }   # JSON {key, value}, read back at readBack/<key>
timeouts: { startMs: 15000, stopGraceMs: 5000 }
# upgradeStops: [1.1.0]           # versions an upgrade path may not skip
defaults:
  run:
    local:
      command: [node, server.js]  # how one replica of a version starts, relative to cwd
      cwd: .                      # relative to this file
      env: { PORT: "{{port}}", DATABASE_URL: "{{databaseUrl}}", APP_VERSION: "{{version}}" }
  # Database migrations, split as expand/contract: before the new version starts, and after the old one is gone.
  # preMigrate:  { command: [node, migrate.js, pre, "{{version}}"], env: { DATABASE_URL: "{{databaseUrl}}" } }
  # postMigrate: { command: [node, migrate.js, post, "{{version}}"], env: { DATABASE_URL: "{{databaseUrl}}" } }
versions:
  # In upgrade order; a version may override defaults (env, run, preMigrate, postMigrate).
  - version: 1.0.0
  - version: 1.1.0
`,
  };
}
