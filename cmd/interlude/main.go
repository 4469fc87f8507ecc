// Command interlude runs the Interlude bot. main only wires: configuration, store, engine,
// adapters. See the README for the subcommands and settings.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/interlude-bot/interlude/bots/console"
	"github.com/interlude-bot/interlude/bots/discord"
	"github.com/interlude-bot/interlude/bots/telegram"
	"github.com/interlude-bot/interlude/config"
	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/logbridge"
	"github.com/interlude-bot/interlude/leader"
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

// serve runs the configured platform adapters, the scheduler and the HTTP endpoints until ctx
// ends, then stops them in order.
func serve(ctx context.Context, cfg *config.Config, engine *flows.Engine, st *store.Store, logger *slog.Logger) error {
	// Listen first: an address in use is a configuration mistake, found before any platform
	// is touched.
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return &config.Error{Var: "INTERLUDE_HTTP_ADDR", Msg: fmt.Sprintf("%s is already in use by another program; stop it or choose another address, such as INTERLUDE_HTTP_ADDR=:8081", cfg.HTTPAddr)}
		}
		return &config.Error{Var: "INTERLUDE_HTTP_ADDR", Msg: fmt.Sprintf("cannot listen on %s: %v", cfg.HTTPAddr, errors.Unwrap(err))}
	}
	defer ln.Close()
	senders := map[flows.Platform]flows.Sender{}
	mux := http.NewServeMux()
	var workers []func(context.Context) error
	var ready []func() bool

	if cfg.TelegramToken != "" {
		tg, err := telegram.New(ctx, telegram.Config{
			Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIURL,
			WebhookURL: cfg.TelegramWebhookURL, WebhookSecret: cfg.TelegramWebhookSecret,
			PollTimeout: cfg.TelegramPollTimeout,
		}, engine, st, logger)
		if err != nil {
			return err
		}
		if err := tg.SetUp(ctx); err != nil {
			logger.Warn("telegram: bot profile (description, command menu) not set", "error", err.Error())
		}
		senders[flows.Telegram] = tg
		if cfg.TelegramWebhookURL != "" {
			u, _ := url.Parse(cfg.TelegramWebhookURL)
			path := u.Path
			if path == "" {
				path = "/"
			}
			mux.Handle("POST "+path, tg)
			if err := tg.RegisterWebhook(ctx); err != nil {
				return fmt.Errorf("telegram: setWebhook failed: %w", err)
			}
			logger.Info("telegram: webhook mode", "path", path)
		} else {
			// One replica polls (two pollers on a token get 409 Conflict); another takes
			// over within the lease time if it dies.
			el := leader.New(st, "telegram-poll", cfg.LeaseTTL, logger)
			workers = append(workers, func(ctx context.Context) error { return el.Run(ctx, tg.Poll) })
		}
	}

	if cfg.DiscordToken != "" {
		dc, err := discord.New(discord.Config{Token: cfg.DiscordToken, AppID: cfg.DiscordAppID, APIURL: cfg.DiscordAPIURL}, engine, logger)
		if err != nil {
			return err
		}
		if err := dc.Check(ctx); err != nil {
			return err
		}
		defer dc.Close()
		senders[flows.Discord] = dc
		el := leader.New(st, "discord-gateway", cfg.LeaseTTL, logger)
		workers = append(workers, func(ctx context.Context) error { return el.Run(ctx, dc.Run) })
		ready = append(ready, func() bool { return !el.Leading() || dc.Connected() })
		metrics.DiscordInvalidRequests(func() float64 { return float64(dc.InvalidRequests()) })
	}

	limits := map[flows.Platform]scheduler.Limit{
		flows.Telegram: {PerSecond: cfg.TelegramRate, PerChat: 1},
		flows.Discord:  {PerSecond: cfg.DiscordRate, PerChat: 5},
	}
	disp := scheduler.New(engine, st, senders, scheduler.WithLogger(logger), scheduler.WithObserver(observeReminder), scheduler.WithLimits(limits))
	workers = append(workers, func(ctx context.Context) error { return disp.Run(ctx, cfg.SchedulerTick) })

	var platforms []string // as the adapters label their metrics
	if cfg.TelegramToken != "" {
		platforms = append(platforms, "telegram")
	}
	if cfg.DiscordToken != "" {
		platforms = append(platforms, "discord")
	}
	metrics.BuildInfo(buildVersion())
	metrics.Prepare(metrics.Series{Platforms: platforms, Flows: engine.Library().FlowIDs(), Reminders: []string{
		string(flows.RemindCheckin), string(flows.RemindPrepare), string(flows.RemindReflect), string(flows.RemindNudge), string(flows.RemindExpire)}})
	metrics.Backlog(st.DueBefore)
	mux.Handle("GET /metrics", metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := st.Ping(r.Context()); err != nil {
			http.Error(w, "redis unreachable", http.StatusServiceUnavailable)
			return
		}
		for _, ok := range ready {
			if !ok() {
				http.Error(w, "adapter not connected", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	})
	srv := &http.Server{Addr: cfg.HTTPAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("http: listening", "addr", ln.Addr().String())

	var wg sync.WaitGroup
	for _, run := range workers {
		wg.Go(func() {
			if err := run(ctx); err != nil && ctx.Err() == nil {
				logger.Error("worker stopped", "error", err.Error())
			}
		})
	}
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("http server stopped", "error", err.Error())
		}
	})
	<-ctx.Done()
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	wg.Wait()
	return nil
}

func openStore(ctx context.Context, cfg *config.Config, sealer *store.Sealer) (*store.Store, error) {
	if cfg.RedisURL == "" {
		return store.OpenEmbedded(sealer)
	}
	return store.Open(ctx, cfg.RedisURL, sealer, store.WithObserver(metrics.Redis{}))
}

func flowsCheck(args []string, stdout, stderr io.Writer) int {
	dir := ""
	if len(args) == 1 {
		dir = args[0]
	}
	lib, err := flows.Load(dir)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFail
	}
	if _, err := flows.LoadCrisis(safetyDir(dir)); err != nil {
		fmt.Fprintln(stderr, err)
		return exitFail
	}
	s := lib.Stats()
	fmt.Fprintf(stdout, "ok: %d flows, %d steps, %d strings, languages %s\n", s.Flows, s.Steps, s.Strings, strings.Join(s.Locales, ", "))
	for _, loc := range s.Locales {
		fmt.Fprintf(stdout, "prompts (%s): %d in %d topics\n", loc, s.Prompts[loc], s.Topics[loc])
	}
	return exitOK
}

// observeReminder counts what the scheduler did, for /metrics.
func observeReminder(o scheduler.Outcome) {
	var outcome string
	switch o.Result {
	case scheduler.Sent:
		outcome = "sent"
		if !o.Fired.Due.IsZero() {
			metrics.ReminderLag.WithLabelValues(string(o.Claim.Reminder)).Observe(o.SentAt.Sub(o.Fired.Due).Seconds())
		}
	case scheduler.Nothing:
		outcome = string(o.Fired.Outcome) // why: quiet, paused, late, busy, …
	case scheduler.Deferred:
		outcome = "deferred"
	case scheduler.Blocked:
		outcome = "blocked"
	default:
		outcome = "error"
	}
	metrics.Reminders.WithLabelValues(string(o.Claim.Reminder), outcome).Inc()
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
