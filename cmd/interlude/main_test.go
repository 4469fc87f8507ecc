package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/redistest"
)

// binary is the real interlude binary, built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "interlude-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "interlude")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running interlude whose output the test reads as it comes.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	out   bytes.Buffer
	done  chan struct{}
}

// baseEnv is the environment of every run: only what the test sets, plus PATH and HOME.
func baseEnv(vars ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "INTERLUDE_CONSOLE_USER=e2e"}, vars...)
}

func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, cmd: exec.Command(binary, args...), done: make(chan struct{})}
	p.cmd.Env = env
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = &lockedWriter{p: p}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	return p
}

type lockedWriter struct{ p *proc }

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.out.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the output holds want after position from, and returns the position
// after it. The timeout is a generous bound for a hung process, not a speed requirement.
func (p *proc) waitFor(from int, want string) int {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out := p.output()
		if i := strings.Index(out[from:], want); i >= 0 {
			return from + i + len(want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.t.Fatalf("no %q in output:\n%s", want, p.output()[from:])
	return 0
}

func (p *proc) say(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatal(err)
	}
}

// finish closes stdin and waits for the process to exit, returning its exit code.
func (p *proc) finish() int {
	p.t.Helper()
	_ = p.stdin.Close()
	err := p.cmd.Wait()
	<-p.done
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		p.t.Fatal(err)
	}
	return 0
}

func TestConsoleOnEmbeddedStoreRunsOnboarding(t *testing.T) {
	p := startProc(t, baseEnv())
	at := p.waitFor(0, "Type /start to begin")
	p.say("/start")
	at = p.waitFor(at, "this is not therapy")
	at = p.waitFor(at, "Is that OK?")
	p.say("1")
	at = p.waitFor(at, "Which time zone are you in?")
	p.say("Europe/Berlin")
	at = p.waitFor(at, "When is your usual therapy appointment?")
	p.say("thu 10:00")
	at = p.waitFor(at, "When would a weekly check-in suit you?")
	p.say("1")
	p.waitFor(at, "All set. Your time zone is Europe/Berlin.\nCheck-ins: Sundays at 19:00.\nYour sessions: every Thursday at 10:00.")
	if code := p.finish(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.output())
	}
	if !strings.Contains(p.output(), "EMBEDDED STORE") {
		t.Error("no loud warning about the embedded store")
	}
}

func TestClientIsKnownAfterARestart(t *testing.T) {
	srv := redistest.Start(t)
	env := baseEnv("INTERLUDE_REDIS_URL="+srv.URL, "INTERLUDE_ENCRYPTION_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	p := startProc(t, env, "console")
	p.say("/start")
	p.say("Yes, keep my answers")
	p.say("London")
	p.say("I'll tell you later")
	p.say("Sunday evening (19:00)")
	p.waitFor(0, "All set. Your time zone is Europe/London.")
	if code := p.finish(); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.output())
	}

	p = startProc(t, env, "console")
	p.say("/start")
	p.waitFor(0, "Welcome back")
	if strings.Contains(p.output(), "Is that OK?") {
		t.Errorf("consent asked again after a restart:\n%s", p.output())
	}
	p.finish()
}

func TestKilledRightAfterAnAnswerContinuesAtTheNextStep(t *testing.T) {
	srv := redistest.Start(t)
	env := baseEnv("INTERLUDE_REDIS_URL=" + srv.URL)
	p := startProc(t, env, "console")
	p.say("/start")
	at := p.waitFor(0, "Is that OK?")
	p.say("1")
	p.waitFor(at, "Which time zone are you in?")
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()

	p = startProc(t, env, "console")
	at = p.waitFor(0, "Here is where we left off:")
	at = p.waitFor(at, "Which time zone are you in?")
	p.say("Berlin")
	p.say("1")
	p.say("1")
	p.waitFor(at, "All set. Your time zone is Europe/Berlin.")
	p.say("/start")
	p.waitFor(at, "Welcome back") // the consent given before the kill was kept
	p.finish()
}

func TestBadConfigurationIsOneLineAndExitCode2(t *testing.T) {
	const key = "c2VjcmV0LWtleS12YWx1ZQ=="
	for _, tt := range []struct{ env, want string }{
		{"INTERLUDE_REDIS_URL=postgres://localhost", "interlude: configuration: INTERLUDE_REDIS_URL: not a valid Redis URL"},
		{"INTERLUDE_LOG_LEVEL=chatty", "interlude: configuration: INTERLUDE_LOG_LEVEL: must be one of debug, info, warn, error"},
		{"INTERLUDE_ENCRYPTION_KEY=" + key, "interlude: configuration: INTERLUDE_ENCRYPTION_KEY: must be 32 bytes"},
		{"INTERLUDE_TELEGRAM_TOKEN=123456:secret-token-secret-token-1234", "interlude: configuration: INTERLUDE_REDIS_URL: is required when a platform token is set"},
		{"INTERLUDE_TELEGRAM_TOKEN=123:secret-token", "interlude: configuration: INTERLUDE_TELEGRAM_TOKEN: is not a bot token"},
	} {
		cmd := exec.Command(binary, "run")
		cmd.Env = baseEnv(tt.env)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("%s: err %v, want exit code 2", tt.env, err)
		}
		got := stderr.String()
		if !strings.HasPrefix(got, tt.want) || strings.Count(got, "\n") != 1 {
			t.Errorf("%s: stderr %q, want one line starting %q", tt.env, got, tt.want)
		}
		if strings.Contains(got, key) || strings.Contains(got, "secret-token") {
			t.Errorf("%s: a secret was printed: %q", tt.env, got)
		}
	}
}

func TestFlowsCheck(t *testing.T) {
	out, err := exec.Command(binary, "flows", "check").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok:") {
		t.Fatalf("embedded library: %v\n%s", err, out)
	}
	dir := t.TempDir()
	broken := "flows:\n  - id: x\n    steps:\n      - id: a\n        kind: message\n        text: {en: hi, de: hallo}\n        next: b\n"
	if err := os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(binary, "flows", "check", dir).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
		t.Fatalf("broken library passed: %v\n%s", err, out)
	}
	if want := filepath.Join(dir, "mine.yaml") + `:4: flow x, step a: next refers to unknown step "b"`; !strings.Contains(string(out), want) {
		t.Errorf("output %q lacks %q", out, want)
	}
}
