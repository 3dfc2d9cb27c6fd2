# HAProxy from Debian's packages; the harness copies its configuration in before start.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*
# haproxy -W (master-worker) reloads on SIGUSR2 and stops gracefully on SIGUSR1; docker stop sends SIGTERM (hard stop), fine for a test environment.
CMD ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]
