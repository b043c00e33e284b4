# Stand-in for the official redis image: Debian's redis-server on the shared Debian root. As in the
# official image, the entrypoint adds `--protected-mode no` (compose's `command:` replaces CMD, not
# the entrypoint): without it Redis refuses clients from other containers, which are not loopback.
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /data
WORKDIR /data
USER redis
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
