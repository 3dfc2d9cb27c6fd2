// The maintainer scripts of the sample-app package (Debian Policy, chapter 6), as text.
// preinst refuses an upgrade that skips a required stop before anything is unpacked, so the old
// version stays installed and serving. postinst, on install and upgrade, runs the migrations
// (the pre-deployment ones, then the post-deployment ones unless SKIP_POST_DEPLOYMENT_MIGRATIONS
// is true, GitLab's convention for multi-node upgrades; none at all while the file
// /etc/sample-app/skip-auto-migrations exists, for the nodes that are not the deploy node), then
// restarts the service.

export function maintainerScripts(version, stops) {
  return { preinst: preinst(version, stops), postinst: postinst(version), prerm: prerm(), postrm: postrm() };
}

function preinst(version, stops) {
  return `#!/bin/sh
set -e
NEW=${version}
if [ "$1" = upgrade ] && [ -n "$2" ] && dpkg --compare-versions "$2" lt "$NEW"; then
  for stop in ${stops.join(' ')}; do
    if dpkg --compare-versions "$2" lt "$stop" && dpkg --compare-versions "$stop" lt "$NEW"; then
      echo "sample-app: refusing to upgrade from $2 to $NEW: it skips the required upgrade stop $stop. Upgrade to $stop first, then to $NEW." >&2
      exit 1
    fi
  done
fi
exit 0
`;
}

function postinst(version) {
  return `#!/bin/sh
set -e
[ "$1" = configure ] || exit 0
getent passwd sample-app >/dev/null || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin sample-app
if [ ! -f /etc/sample-app/sample-app.env ]; then
  echo "sample-app: write /etc/sample-app/sample-app.env (PORT, DATABASE_URL) and run dpkg-reconfigure sample-app" >&2
  exit 0
fi
if [ -e /etc/sample-app/skip-auto-migrations ]; then
  echo "sample-app: /etc/sample-app/skip-auto-migrations exists: no migrations run"
else
  sample-app-migrate pre ${version}
  if [ "$SKIP_POST_DEPLOYMENT_MIGRATIONS" = true ]; then
    echo "sample-app: SKIP_POST_DEPLOYMENT_MIGRATIONS=true: post-deployment migrations left for later (sample-app-migrate post ${version})"
  else
    sample-app-migrate post ${version}
  fi
fi
systemctl daemon-reload
systemctl enable sample-app.service >/dev/null 2>&1
systemctl restart sample-app.service
exit 0
`;
}

/** On removal the service stops; on upgrade it keeps serving until postinst restarts it. */
function prerm() {
  return `#!/bin/sh
set -e
if [ "$1" = remove ]; then systemctl stop sample-app.service || true; fi
exit 0
`;
}

function postrm() {
  return `#!/bin/sh
set -e
if [ "$1" = purge ]; then rm -rf /etc/sample-app; fi
if [ "$1" = remove ] || [ "$1" = purge ]; then systemctl daemon-reload || true; fi
exit 0
`;
}
