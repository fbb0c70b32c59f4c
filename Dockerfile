# One image for every PropAlpes service: `docker run propalpes companias`.
FROM rust:1.95-bookworm AS build
# protoc for the pulsar crate's build script.
RUN apt-get update \
 && apt-get install -y --no-install-recommends protobuf-compiler \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY schemas schemas
COPY migrations migrations
COPY assets assets
# The patched pulsar crate ([patch.crates-io] in Cargo.toml).
COPY vendor vendor
RUN cargo build --release --locked && strip target/release/propalpes

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home propalpes
COPY --from=build /src/target/release/propalpes /usr/local/bin/propalpes
USER propalpes
WORKDIR /home/propalpes
ENV HTTP_ADDR=0.0.0.0:8080 LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["propalpes"]
CMD ["all"]
