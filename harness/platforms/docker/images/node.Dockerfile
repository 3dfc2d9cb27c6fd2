# Node on the Debian base: the harness's own Node binary (its libraries are all in minbase).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
RUN node --version
