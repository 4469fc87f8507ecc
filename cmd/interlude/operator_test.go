package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// runBinary runs the real binary to its end and returns its exit code, stdout and stderr.
func runBinary(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

func TestHelpOnEverySubcommandExitsZeroWithoutStarting(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"-h"},
		{"run", "--help"}, {"run", "-h"}, {"console", "--help"}, {"help", "console"},
		{"flows", "--help"}, {"flows", "check", "--help"}, {"healthcheck", "--help"}, {"version", "--help"},
	} {
		// A platform token is set: were "run --help" to start the bot, it would stop at the
		// missing Redis URL with exit code 2 instead.
		code, stdout, stderr := runBinary(t, baseEnv("INTERLUDE_TELEGRAM_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"), args...)
		name := strings.Join(args, " ")
		if code != 0 || !strings.HasPrefix(stdout, "usage: interlude") || stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
		}
		if sub := args[0]; sub != "help" && !strings.HasPrefix(sub, "-") && !strings.HasPrefix(stdout, "usage: interlude "+sub) {
			t.Errorf("%s: not the usage of %s: %q", name, sub, stdout)
		}
	}
	if code, _, stderr := runBinary(t, baseEnv(), "run", "extra"); code != 2 || !strings.HasPrefix(stderr, `interlude run: unexpected argument "extra"`) {
		t.Errorf("run extra: exit %d, %q", code, stderr)
	}
}

func TestMisspeltTokenVariableStopsInsteadOfStartingTheConsole(t *testing.T) {
	const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	for _, args := range [][]string{nil, {"run"}} {
		code, stdout, stderr := runBinary(t, baseEnv("INTERLUDE_TELEGRAM_TOKN="+token), args...)
		want := "interlude: configuration: INTERLUDE_TELEGRAM_TOKN: looks like a platform token but is not a variable the bot reads, and no platform is configured; did you mean INTERLUDE_TELEGRAM_TOKEN?\n"
		if code != 2 || stderr != want || stdout != "" {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q\nwant   %q", args, code, stdout, stderr, want)
		}
	}
}

func TestHTTPAddressInUseIsOneLineAndExitCode2(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	code, _, stderr := runBinary(t, baseEnv(
		"INTERLUDE_TELEGRAM_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
		"INTERLUDE_TELEGRAM_API_URL=http://127.0.0.1:1", // never reached: the address is checked first
		"INTERLUDE_EPHEMERAL=true", "INTERLUDE_ALLOW_PLAINTEXT=true", "INTERLUDE_LOG_LEVEL=error",
		"INTERLUDE_HTTP_ADDR="+addr), "run")
	want := "interlude: configuration: INTERLUDE_HTTP_ADDR: " + addr + " is already in use by another program; stop it or choose another address, such as INTERLUDE_HTTP_ADDR=:8081\n"
	if code != 2 || stderr != want {
		t.Errorf("exit %d\nstderr %q\nwant   %q", code, stderr, want)
	}
}

func TestHealthcheckAsksTheRunningBot(t *testing.T) {
	// Nobody listening: exit 1, one line.
	free := freeAddr(t)
	code, _, stderr := runBinary(t, baseEnv("INTERLUDE_HTTP_ADDR="+free), "healthcheck")
	if code != 1 || !strings.Contains(stderr, "nothing listens there") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("no bot: exit %d, %q", code, stderr)
	}

	r := startTelegram(t, "INTERLUDE_LOGLEVEL=debug")
	r.waitReady()
	// The bot listens on 127.0.0.1:PORT; the container form ":PORT" asks 127.0.0.1 too.
	_, port, _ := net.SplitHostPort(r.addr)
	for _, addr := range []string{r.addr, ":" + port, "0.0.0.0:" + port} {
		code, stdout, stderr := runBinary(t, baseEnv("INTERLUDE_HTTP_ADDR="+addr), "healthcheck")
		if code != 0 || stdout != "ready\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", addr, code, stdout, stderr)
		}
	}
	// What an operator alerts on is there from the start, at zero.
	resp, err := http.Get("http://" + r.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`interlude_build_info{goversion="go1.`,
		"interlude_reminders_due 0",
		"interlude_reminders_overdue 0",
		`interlude_send_errors_total{kind="rate_limited",platform="telegram"} 0`,
		`interlude_reminders_total{outcome="late",reminder="checkin"} 0`,
		`interlude_flows_started_total{flow="checkin"} 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The store's commands are timed (store.WithObserver wired to metrics.Redis).
	if m := regexp.MustCompile(`(?m)^interlude_redis_latency_seconds_count (\d+)$`).FindStringSubmatch(string(body)); m == nil || m[1] == "0" {
		t.Errorf("/metrics times no Redis command: %v", m)
	}
	// Redis gone: not ready, exit 1.
	r.srv.Kill()
	code, _, stderr = runBinary(t, baseEnv("INTERLUDE_HTTP_ADDR="+r.addr), "healthcheck")
	if code != 1 || !strings.Contains(stderr, "not ready (503): redis unreachable") {
		t.Errorf("redis down: exit %d, %q", code, stderr)
	}
	// The misspelt variable of this run was named, with what it most likely meant.
	if out := r.proc.output(); !strings.Contains(out, `did you mean INTERLUDE_LOG_LEVEL?","variable":"INTERLUDE_LOGLEVEL"`) {
		t.Errorf("no warning about INTERLUDE_LOGLEVEL:\n%s", out)
	}
}
