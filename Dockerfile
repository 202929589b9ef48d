# syntax=docker/dockerfile:1
# advisord in a container: built on Debian bookworm, run on bookworm-slim as a non-root user.
#   docker build -t advisord .
#   docker run -d -p 8080:8080 -v advisord-data:/var/lib/advisord advisord
# Settings are ADVISORD_* variables (docker run -e ..., see `advisord --help`); the volume holds
# the database, the secret key and the mail spool: back up both the database and the key.

FROM debian:bookworm-slim AS build
# Node.js builds only: the build embeds Redoc's bundle (/docs) from node_modules and makes
# openapi.json from openapi.yaml; nothing of it runs in the server.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake pkg-config \
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libcurl4-openssl-dev uuid-dev \
      libssl-dev \
      nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY CMakeLists.txt openapi.yaml ./
COPY cmake/ cmake/
COPY include/ include/
COPY migrations/ migrations/
COPY packaging/ packaging/
COPY src/ src/
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADVISORD_TESTS=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr \
 && cmake --build build -j"$(nproc)" \
 && DESTDIR=/out cmake --install build

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmicrohttpd12 libjansson4 libsqlite3-0 libpq5 \
      libcurl4 libuuid1 libssl3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/advisord --create-home \
      --shell /usr/sbin/nologin advisord
COPY --from=build /out/usr/bin/advisord /usr/bin/advisord
COPY --from=build /out/usr/share/man/man8/advisord.8 /usr/share/man/man8/advisord.8
ENV ADVISORD_BIND=0.0.0.0 \
    ADVISORD_PORT=8080 \
    ADVISORD_DB=/var/lib/advisord/advisor.db \
    ADVISORD_SECRET_FILE=/var/lib/advisord/secret.key \
    ADVISORD_MAIL_SPOOL=/var/lib/advisord/mail \
    ADVISORD_LOG_FORMAT=json
USER advisord:advisord
WORKDIR /var/lib/advisord
VOLUME ["/var/lib/advisord"]
EXPOSE 8080
# SIGTERM drains requests in flight (--drain-timeout, 10 s): give docker stop -t 15 or more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/advisord"]
CMD ["serve"]
