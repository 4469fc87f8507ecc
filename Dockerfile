# Build a static binary, then ship it alone in a distroless image, as a non-root user.
#
# The base images are build arguments so that a mirror, a pinned digest or a local stand-in
# (scripts/compose-smoke builds those offline) can take their place:
#   docker build --build-arg GO_IMAGE=… --build-arg RUNTIME_IMAGE=… .
# RUNTIME_IMAGE needs no shell: the health check is the binary itself.
ARG GO_IMAGE=golang:1.26.11-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
# The newest Go 1.26 patch, whatever the image brings (golang images set GOTOOLCHAIN=local,
# which would ignore go.mod's toolchain line). Keep in step with go.mod and .ci/run.
ARG GOTOOLCHAIN=go1.26.11
ENV GOTOOLCHAIN=${GOTOOLCHAIN} CGO_ENABLED=0 GOFLAGS=-trimpath
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download && go version
COPY . .
ARG VERSION=dev
RUN go build -ldflags "-s -w -X main.version=${VERSION}" -o /out/interlude ./cmd/interlude \
 && /out/interlude version

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/interlude /interlude
# distroless's "nonroot" user, by number so that no /etc/passwd entry is needed.
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["/interlude", "healthcheck"]
ENTRYPOINT ["/interlude"]
CMD ["run"]
