// The scenario's `vm:` section: the application as a Linux package (a .deb with a systemd unit,
// configuration under /etc, maintainer scripts), built per version by the scenario's own command,
// installed and upgraded with apt on the machines of platform vm.
import * as z from 'zod';

const absolutePath = z.string().startsWith('/', 'an absolute path on the machine, e.g. /etc/sample-app/sample-app.env');
const program = z.array(z.string().min(1)).min(1);

export const vmScenarioSchema = z
  .strictObject({
    package: z
      .strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name: lower-case letters, digits, + - .').meta({ description: 'The package name, as dpkg knows it' }),
        build: z
          .strictObject({
            command: program.meta({ description: 'Builds the package of one version; placeholders {{version}}, {{out}} (the folder to write it to), {{upgradeStops}} (comma-separated)' }),
            cwd: z.string().default('.').meta({ description: 'Relative to the scenario file' }),
          })
          .meta({ description: 'Run on this machine once per version a cell needs' }),
        file: z.string().min(1).meta({ description: 'The file the build writes into {{out}}, e.g. sample-app_{{version}}_all.deb' }),
        service: z.string().min(1).meta({ description: 'The systemd unit the package runs the app as' }),
        port: z.int().min(1).max(65535).meta({ description: 'The port the app listens on, on each machine' }),
        config: z
          .strictObject({
            path: absolutePath,
            content: z.string().meta({ description: 'Placeholders {{databaseUrl}}, {{port}}, {{machine}}' }),
          })
          .meta({ description: 'The configuration the harness writes on each app machine before the package is installed (as gitlab.rb is written before Omnibus is)' }),
        migrations: z
          .strictObject({
            skipPostDeploymentEnv: z
              .string()
              .regex(/^[A-Z_][A-Z0-9_]*$/)
              .default('SKIP_POST_DEPLOYMENT_MIGRATIONS')
              .meta({ description: 'Set to "true" for the upgrade of the deploy node: its maintainer script then runs only the pre-deployment migrations' }),
            skipAutoFile: absolutePath.meta({ description: 'While this file exists, the maintainer scripts run no migrations (the nodes that are not the deploy node)' }),
            post: z
              .strictObject({ command: program.meta({ description: 'Runs the post-deployment migrations on the deploy node; {{version}}' }) })
              .meta({ description: 'package-rolling: run once every node runs the new version' }),
          })
          .meta({ description: "How the package's maintainer scripts run migrations, and how the multi-node sequence steers them" }),
      })
      .meta({ id: 'vmPackage' }),
  })
  .meta({ id: 'vm', description: 'Platform vm: the application as a Linux package on machines' });

export type VmScenarioConfig = z.output<typeof vmScenarioSchema>;
