// Package composesmoke holds the end-to-end check that scripts/compose-smoke runs: the real
// Dockerfile and docker-compose.yml, a fake Bot API on the host, one client walked through
// onboarding and a check-in, a restart, and the answer found again. Its test is skipped unless
// the script prepared a Docker engine and a project directory (see docs/DEPLOY.md).
package composesmoke
