package composesmoke

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

// rig is the compose project under test and the fake Bot API it talks to.
type rig struct {
	t       *testing.T
	dir     string   // the project directory (a copy of the repository)
	compose []string // e.g. ["docker-compose"] or ["docker", "compose"]
	files   []string // -f arguments
	tg      *telegramtest.Server
}

func TestComposeSmoke(t *testing.T) {
	dir := os.Getenv("SMOKE_PROJECT")
	if dir == "" {
		t.Skip("run by scripts/compose-smoke (needs a Docker engine and a project copy)")
	}
	r := &rig{t: t, dir: dir, compose: strings.Fields(os.Getenv("SMOKE_COMPOSE")),
		files: []string{"-f", "docker-compose.yml", "-f", "docker-compose.smoke.yml", "-p", "interlude-smoke"}}
	if len(r.compose) == 0 {
		r.compose = []string{"docker-compose"}
	}

	// The fake Bot API listens on 127.0.0.1; containers reach it through a proxy on the
	// address the script gives (the bridge's gateway: no route out is needed).
	r.tg = telegramtest.New(t, "")
	r.tg.SetMaxPollWait(time.Second)
	serveProxy(t, os.Getenv("SMOKE_FAKE_ADDR"), r.tg.URL)

	// Bad input first: no .env (with the key in the shell, so that compose gets as far as
	// the env file), then a .env without the encryption key.
	os.Remove(filepath.Join(dir, ".env"))
	os.Setenv("INTERLUDE_ENCRYPTION_KEY", "set-in-the-shell")
	out, err := r.run("config", "-q")
	os.Unsetenv("INTERLUDE_ENCRYPTION_KEY")
	r.logf("without .env: %v: %s", err, firstLine(out))
	if err == nil || !strings.Contains(out, ".env") {
		t.Fatalf("compose accepted a project without .env: %v\n%s", err, out)
	}
	r.writeEnv("")
	out, err = r.run("config", "-q")
	r.logf("without INTERLUDE_ENCRYPTION_KEY: %v: %s", err, firstLine(out))
	if err == nil || !strings.Contains(out, "INTERLUDE_ENCRYPTION_KEY") {
		t.Fatalf("compose started without an encryption key: %v\n%s", err, out)
	}

	key := make([]byte, 32)
	rand.Read(key)
	r.writeEnv(base64.StdEncoding.EncodeToString(key))
	// Something that must never reach an image: a .git directory with a marker in it.
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.WriteFile(filepath.Join(dir, ".git", "smoke-marker"), []byte("history"), 0o644)

	start := time.Now()
	if out, err := r.runLong(20*time.Minute, "up", "-d", "--build"); err != nil {
		t.Fatalf("up --build: %v\n%s", err, out)
	}
	r.logf("built and started in %s", time.Since(start).Round(time.Second))
	defer func() {
		if t.Failed() {
			out, _ := r.run("logs", "--no-color", "--tail", "60")
			t.Logf("logs:\n%s", out)
		}
	}()
	r.waitHealthy("redis")
	r.waitHealthy("interlude")

	const chat = int64(5150)
	moment := fmt.Sprintf("smoke-moment-%d", time.Now().UnixNano())
	steps := [][2]string{
		{"/start", "Is that OK?"},
		{"[Yes, keep my answers]", "Which time zone"},
		{"Berlin", "usual therapy appointment"},
		{"later", "weekly check-in suit you"},
		{"Sunday 19:00", "All set"},
		{"/checkin", "How has your week been"},
		{"[7]", "word for how you feel"},
		{"calm", "moment this week"},
		{moment, "One question to think about"},
		{"/skip", "bring to your next session"},
		{"ask about the holidays", "that's it for this week"},
	}
	for _, s := range steps {
		r.step(chat, s[0], s[1])
	}
	r.logf("client %d: onboarding and a check-in done (%d steps)", chat, len(steps))

	r.checkImage()
	if out, err := r.run("exec", "-T", "redis", "redis-cli", "config", "get", "appendonly"); err != nil || !strings.Contains(out, "yes") {
		t.Errorf("redis appendonly: %v %q", err, out)
	} else {
		r.logf("redis: appendonly yes, data on the redis-data volume")
	}

	// Restart the whole stack: containers go, the volume stays.
	if out, err := r.run("down"); err != nil {
		t.Fatalf("down: %v\n%s", err, out)
	}
	callsBefore := len(r.tg.Calls())
	if out, err := r.runLong(5*time.Minute, "up", "-d"); err != nil {
		t.Fatalf("up after down: %v\n%s", err, out)
	}
	r.waitHealthy("redis")
	r.waitHealthy("interlude")
	r.logf("stack restarted (down, up -d)")

	r.step(chat, "/start", "Welcome back")
	r.step(chat, "/export", "as JSON")
	if export := r.exportJSON(chat); !strings.Contains(export, moment) {
		t.Errorf("the check-in answer is gone after the restart; export: %.300s", export)
	} else {
		r.logf("after the restart the client is known and /export holds the answer %q", moment)
	}
	for _, c := range r.tg.Calls()[callsBefore:] {
		if strings.HasPrefix(c.Method, "setMy") || strings.HasPrefix(c.Method, "deleteMy") {
			t.Errorf("the restart changed the bot's profile again: %s", c.Method)
		}
	}
	r.checkLogs()

	if out, err := r.run("down", "-v"); err != nil {
		t.Errorf("down -v: %v\n%s", err, out)
	}
	r.logf("stack and volume removed")
}

func (r *rig) logf(format string, args ...any) {
	r.t.Helper()
	r.t.Logf("%s  "+format, append([]any{time.Now().UTC().Format("15:04:05")}, args...)...)
}

func (r *rig) run(args ...string) (string, error) { return r.runLong(3*time.Minute, args...) }

func (r *rig) runLong(timeout time.Duration, args ...string) (string, error) {
	r.t.Helper()
	argv := append(append(append([]string{}, r.compose[1:]...), r.files...), args...)
	cmd := exec.Command(r.compose[0], argv...)
	cmd.Dir = r.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		return out.String(), fmt.Errorf("%s %s: no end within %s", r.compose[0], strings.Join(args, " "), timeout)
	}
}

func docker(args ...string) (string, error) {
	out, err := exec.Command("docker", args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (r *rig) writeEnv(key string) {
	r.t.Helper()
	env := strings.Join([]string{
		"# written by scripts/compose-smoke",
		"INTERLUDE_TELEGRAM_TOKEN=" + telegramtest.DefaultToken,
		"INTERLUDE_ENCRYPTION_KEY=" + key,
		"INTERLUDE_LOG_FORMAT=json",
		"INTERLUDE_LOG_LEVEL=info",
		"",
	}, "\n")
	if err := os.WriteFile(filepath.Join(r.dir, ".env"), []byte(env), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) container(service string) string {
	r.t.Helper()
	out, err := r.run("ps", "-q", service)
	id := strings.TrimSpace(out)
	if err != nil || id == "" {
		r.t.Fatalf("no container for %s: %v %s", service, err, out)
	}
	return id
}

// waitHealthy waits for the container's own HEALTHCHECK (a bound for a hung stack, not a
// speed test).
func (r *rig) waitHealthy(service string) {
	r.t.Helper()
	id := r.container(service)
	start := time.Now()
	for {
		status, err := docker("inspect", "-f", "{{.State.Health.Status}}", id)
		if err == nil && status == "healthy" {
			r.logf("%s: healthy after %s", service, time.Since(start).Round(time.Second))
			return
		}
		if time.Since(start) > 3*time.Minute {
			out, _ := docker("inspect", "-f", "{{json .State.Health}}", id)
			r.t.Fatalf("%s not healthy: %s %v\n%s", service, status, err, out)
		}
		time.Sleep(time.Second)
	}
}

// step sends text (or presses "[label]") and waits for the bot's message that contains want.
func (r *rig) step(chat int64, send, want string) {
	r.t.Helper()
	seen := len(r.tg.Sent(chat))
	if label, ok := strings.CutPrefix(send, "["); ok {
		data, msg, err := r.button(chat, strings.TrimSuffix(label, "]"))
		if err != nil {
			r.t.Fatal(err)
		}
		r.tg.Push(telegramtest.Callback(chat, msg, data))
	} else {
		r.tg.Push(telegramtest.PrivateText(chat, send))
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		sent := r.tg.WaitSent(chat, seen, time.Until(deadline))
		if len(sent) == 0 {
			r.t.Fatalf("chat %d: after %q no message with %q", chat, send, want)
		}
		for _, c := range sent {
			if strings.Contains(html.UnescapeString(c.Fields["text"]+c.Fields["caption"]), want) {
				return
			}
		}
		seen += len(sent)
	}
}

func (r *rig) button(chat int64, label string) (string, int, error) {
	return r.tg.Button(chat, label)
}

func (r *rig) exportJSON(chat int64) string {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, c := range r.tg.Sent(chat) {
			if f, ok := c.Files["document"]; ok && strings.HasSuffix(f.Name, ".json") {
				return string(f.Data)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return ""
}

// checkImage: the bot runs as a non-root user, and neither the image nor the build stage
// holds .env or .git.
func (r *rig) checkImage() {
	r.t.Helper()
	id := r.container("interlude")
	user, _ := docker("inspect", "-f", "{{.Config.User}}", id)
	pid, _ := docker("inspect", "-f", "{{.State.Pid}}", id)
	status, err := os.ReadFile("/proc/" + pid + "/status")
	uid := ""
	for _, l := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(l, "Uid:"); ok {
			uid = strings.Fields(rest)[0]
		}
	}
	if err != nil || uid == "" || uid == "0" || user == "" || strings.HasPrefix(user, "0") || strings.HasPrefix(user, "root") {
		r.t.Errorf("bot user %q, process uid %q (%v)", user, uid, err)
	} else {
		r.logf("bot runs as user %s (process uid %s)", user, uid)
	}

	// The final image's whole file system.
	cmd := exec.Command("docker", "export", id)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	tr := tar.NewReader(stdout)
	var files []string
	for {
		h, err := tr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.t.Errorf("docker export: %v", err)
			}
			break
		}
		if h.Typeflag == tar.TypeReg {
			files = append(files, h.Name)
		}
		base := filepath.Base(strings.TrimSuffix(h.Name, "/"))
		if base == ".env" || base == ".git" || base == "smoke-marker" {
			r.t.Errorf("the image holds %s", h.Name)
		}
	}
	cmd.Wait()
	r.logf("image file system: %d files, no .env, no .git; shell present: %v", len(files), contains(files, "bin/sh"))

	// The build stage, where COPY . . lands.
	args := []string{"build", "-q", "--network", "host", "--target", "build", "-t", "interlude-smoke/build-stage",
		"--build-arg", "GO_IMAGE=" + envOr("SMOKE_GO_IMAGE", "interlude-smoke/golang:local"), "--build-arg", "VERSION=smoke", r.dir} // as compose built it: the cache holds it
	if out, err := docker(args...); err != nil {
		r.t.Fatalf("build stage: %v\n%s", err, out)
	}
	out, err := docker("run", "--rm", "--entrypoint", "ls", "interlude-smoke/build-stage", "-a", "/src")
	if err != nil {
		r.t.Fatalf("ls /src: %v %s", err, out)
	}
	for _, f := range strings.Fields(out) {
		if f == ".env" || f == ".git" {
			r.t.Errorf("the build stage holds /src/%s", f)
		}
	}
	r.logf("build stage /src: %s", strings.Join(strings.Fields(out), " "))
}

// checkLogs: every line the bot wrote is one JSON object (go-redis and discordgo included),
// and none holds the token.
func (r *rig) checkLogs() {
	r.t.Helper()
	id := r.container("interlude")
	out, err := exec.Command("docker", "logs", id).CombinedOutput()
	if err != nil {
		r.t.Fatalf("docker logs: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines {
		var v map[string]any
		if json.Unmarshal([]byte(l), &v) != nil {
			r.t.Errorf("a log line that is not JSON: %q", l)
		}
		if strings.Contains(l, telegramtest.DefaultToken) || strings.Contains(l, "smoke-moment") {
			r.t.Errorf("a log line with the token or a client's words: %q", l)
		}
	}
	r.logf("bot logs: %d lines, all JSON, no token, no client text", len(lines))
}

func serveProxy(t *testing.T, addr, target string) {
	t.Helper()
	if addr == "" {
		t.Fatal("SMOKE_FAKE_ADDR is not set")
	}
	u, _ := url.Parse(target)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("fake Bot API proxy: %v", err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	// A long poll cut short by the bot's restart is expected, not worth a line.
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
