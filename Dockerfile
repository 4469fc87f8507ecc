# Build a static binary, then ship it alone in a distroless, non-root image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/interlude ./cmd/interlude

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/interlude /interlude
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/interlude"]
CMD ["run"]
