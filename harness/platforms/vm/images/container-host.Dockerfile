# A container host: Debian with systemd as PID 1, so a .deb with a systemd unit installs, starts and
# upgrades as on a real machine. One image plays every role of a fleet (app node, PostgreSQL,
# HAProxy): the services are installed but disabled, and the platform starts what a role needs.
# nodejs is Debian's (18), what a package that depends on nodejs gets on bookworm.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends systemd systemd-sysv dbus nodejs postgresql haproxy socat openssh-server iproute2 procps ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && systemctl disable postgresql haproxy ssh \
 && systemctl mask getty@tty1.service console-getty.service systemd-logind.service \
 && rm -f /etc/ssh/ssh_host_*
# Host keys are made per machine at boot (a shared image must not share them).
RUN printf '[Unit]\nDescription=SSH host keys\nBefore=ssh.service\n[Service]\nType=oneshot\nExecStart=/usr/bin/ssh-keygen -A\n[Install]\nWantedBy=multi-user.target\n' > /etc/systemd/system/ssh-host-keys.service \
 && systemctl enable ssh-host-keys.service
STOPSIGNAL SIGRTMIN+3
CMD ["/sbin/init"]
