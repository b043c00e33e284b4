# Stand-in for the official nginx image: Debian's nginx on the shared Debian root. Debian's
# package enables a default site (`listen 80 default_server`) that would answer instead of the
# configuration mounted at /etc/nginx/conf.d/default.conf, so it goes; logs go to the container's
# output and `docker stop` asks for a graceful stop (SIGQUIT), as in the official image.
# STOPSIGNAL is set here because `docker import --change` (docker 20.10) refuses it.
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && nginx -t
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
