// Command interlude runs the Interlude bot. main only wires: configuration, store, engine,
// adapters. See the README for the subcommands and settings.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/interlude-bot/interlude/bots/console"
	"github.com/interlude-bot/interlude/config"
	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/logbridge"
	"github.com/interlude-bot/interlude/metrics"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

const usage = `usage: interlude [command]

commands:
  run                 serve every configured platform (the default; the console when none is)
  console             talk to the bot in this terminal (stdin may be piped)
  flows check [DIR]   validate a flow directory (the embedded library when no DIR)
  healthcheck         ask a running bot's /readyz (for a container's HEALTHCHECK)
  version             print the version

Run "interlude COMMAND --help" for one command. Configuration is read from INTERLUDE_*
environment variables; see the README and docs/DEPLOY.md.
`

// usages are the --help texts of the subcommands.
var usages = map[string]string{
	"run": `usage: interlude run

Serves every platform whose token is set (INTERLUDE_TELEGRAM_TOKEN, INTERLUDE_DISCORD_TOKEN and
INTERLUDE_DISCORD_APP_ID), the scheduler and the HTTP endpoints on INTERLUDE_HTTP_ADDR (/healthz,
/readyz, /metrics, the Telegram webhook). With no platform configured it starts the console.
A platform needs INTERLUDE_REDIS_URL and INTERLUDE_ENCRYPTION_KEY. Exit code 2 means a
configuration problem, named in one line.
`,
	"console": `usage: interlude console

Talk to the bot in this terminal; stdin may be piped. Buttons are shown as a numbered list:
type the number or the label. Without INTERLUDE_REDIS_URL it uses an embedded store that
keeps nothing after it stops. INTERLUDE_CONSOLE_USER names the client (default: your login).
`,
	"flows": `usage: interlude flows check [DIR]

Validates a flow and prompt directory (the embedded library when no DIR is given), together with
DIR/safety. Errors name the file and line; the exit code is 1 on any error.
`,
	"healthcheck": `usage: interlude healthcheck

Asks the bot running on this machine (INTERLUDE_HTTP_ADDR, default :8080) for /readyz. Exit code
0 when it is ready, 1 otherwise, with one line saying why. Made for a container's HEALTHCHECK,
where there is no shell or curl.
`,
	"version": `usage: interlude version

Prints the version.
`,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK     = 0
	exitFail   = 1
	exitConfig = 2
)

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if u, ok := usages[cmd]; ok && wantsHelp(args) {
		fmt.Fprint(stdout, u)
		return exitOK
	}
	switch cmd {
	case "version", "--version":
		fmt.Fprintln(stdout, "interlude", buildVersion())
		return exitOK
	case "help", "-h", "--help":
		if len(args) > 0 {
			if u, ok := usages[args[0]]; ok {
				fmt.Fprint(stdout, u)
				return exitOK
			}
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	case "flows":
		if len(args) == 0 || args[0] != "check" || len(args) > 2 {
			fmt.Fprint(stderr, usages["flows"])
			return exitConfig
		}
		return flowsCheck(args[1:], stdout, stderr)
	case "healthcheck":
		return healthcheck(os.Getenv("INTERLUDE_HTTP_ADDR"), stdout, stderr)
	case "run", "console":
		if len(args) > 0 {
			fmt.Fprintf(stderr, "interlude %s: unexpected argument %q\n\n%s", cmd, args[0], usages[cmd])
			return exitConfig
		}
	default:
		fmt.Fprintf(stderr, "interlude: unknown command %q\n\n%s", cmd, usage)
		return exitConfig
	}

	cfg, err := config.Load(os.LookupEnv)
	if err == nil && cmd == "run" {
		err = cfg.CheckServe()
	}
	if err == nil && cmd == "run" {
		err = cfg.StrayToken(os.Environ())
	}
	if err != nil {
		fmt.Fprintf(stderr, "interlude: configuration: %v\n", err)
		return exitConfig
	}
	consoleMode := cmd == "console" || !cfg.Platforms()
	logger, logPath := newLogger(cfg, stderr, consoleMode), ""
	if consoleMode {
		logger, logPath = consoleLogger(cfg, stderr) // the chat shows no log lines
	}
	slog.SetDefault(logger)
	logbridge.Install(logger, cfg.TelegramToken, cfg.DiscordToken, cfg.TelegramWebhookSecret, redisPassword(cfg.RedisURL))
	for _, u := range config.Unknown(os.Environ()) {
		if u.Nearest != "" {
			logger.Warn("configuration: unknown variable ignored; did you mean "+u.Nearest+"?", "variable", u.Name)
		} else {
			logger.Warn("configuration: unknown variable ignored", "variable", u.Name)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	lib, err := flows.Load(cfg.FlowsDir)
	if err != nil {
		fmt.Fprintf(stderr, "interlude: flows:\n%v\n", err)
		return exitConfig
	}
	crisis, err := flows.LoadCrisis(safetyDir(cfg.FlowsDir))
	if err != nil {
		fmt.Fprintf(stderr, "interlude: crisis path: %v\n", err)
		return exitConfig
	}
	sealer, err := store.NewSealer(cfg.EncryptionKey, cfg.OldKeys...)
	if err != nil {
		fmt.Fprintf(stderr, "interlude: encryption: %v\n", err)
		return exitConfig
	}
	st, err := openStore(ctx, cfg, sealer)
	if err != nil {
		fmt.Fprintf(stderr, "interlude: %v\n", err)
		return exitFail
	}
	defer st.Close()
	if !sealer.Encrypts() {
		logger.Warn("INTERLUDE_ENCRYPTION_KEY is not set: what clients write is stored unencrypted")
	}

	metrics.InitCrisisEvents(flows.CrisisEvents)
	engine := flows.New(lib, st, flows.Options{
		ConsentVersion: cfg.ConsentVersion,
		Retention:      cfg.Retention,
		Logger:         logger,
		Wakes:          st,
		Deliveries:     st,
		Crisis:         crisis,
		Observer:       metrics.Engine{},
		Storage:        storageOf(cfg, sealer),
		Policy: flows.Policy{QuietFrom: cfg.QuietFrom, QuietTo: cfg.QuietTo, NoQuiet: cfg.QuietFrom == cfg.QuietTo,
			Grace: cfg.ReminderGrace, NudgeAfter: cfg.NudgeAfter, SkipAfterManual: cfg.SkipAfterManual},
	})

	if consoleMode {
		a := console.New(engine, consoleUser(), stdin, stdout, consoleOptions(stdin, logger, logPath)...)
		disp := scheduler.New(engine, st, map[flows.Platform]flows.Sender{flows.Console: a}, scheduler.WithLogger(logger))
		schedCtx, stopSched := context.WithCancel(ctx)
		schedDone := make(chan struct{})
		go func() { defer close(schedDone); _ = disp.Run(schedCtx, cfg.SchedulerTick) }()
		err := a.Run(ctx)
		stopSched()
		<-schedDone
		if err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "interlude: console: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	if err := serve(ctx, cfg, engine, st, logger); err != nil {
		var cerr *config.Error
		if errors.As(err, &cerr) {
			fmt.Fprintf(stderr, "interlude: configuration: %v\n", err)
			return exitConfig
		}
		fmt.Fprintf(stderr, "interlude: %v\n", err)
		return exitFail
	}
	return exitOK
}

// safetyDir is where an operator's crisis phrases and helplines live: DIR/safety.
func safetyDir(flowsDir string) string {
	if flowsDir == "" {
		return ""
	}
	return filepath.Join(flowsDir, "safety")
}

func newLogger(cfg *config.Config, w io.Writer, consoleMode bool) *slog.Logger {
	level := cfg.LogLevel
	if _, set := os.LookupEnv("INTERLUDE_LOG_LEVEL"); consoleMode && !set {
		level = slog.LevelWarn // keep the chat readable; warnings still show
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// redisPassword is the password in a Redis URL, to keep it out of library log lines.
func redisPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

func consoleUser() flows.UserKey {
	name := "local"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if v := os.Getenv("INTERLUDE_CONSOLE_USER"); v != "" {
		name = v
	}
	return flows.UserKey{Platform: flows.Console, ID: flows.UserID(name)}
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
