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
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/interlude-bot/interlude/bots/discord"
	"github.com/interlude-bot/interlude/bots/telegram"
	"github.com/interlude-bot/interlude/config"
	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/leader"
	"github.com/interlude-bot/interlude/metrics"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
)

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
			workers = append(workers, func(ctx context.Context) error { return el.Run(ctx, byKind(tg.Poll)) })
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
		workers = append(workers, func(ctx context.Context) error { return el.Run(ctx, byKind(dc.Run)) })
		ready = append(ready, func() bool { return !el.Leading() || dc.Connected() })
		metrics.DiscordInvalidRequests(func() float64 { return float64(dc.InvalidRequests()) })
	}

	limits := map[flows.Platform]scheduler.Limit{
		flows.Telegram: {PerSecond: cfg.TelegramRate, PerChat: 1},
		flows.Discord:  {PerSecond: cfg.DiscordRate, PerChat: 5},
	}
	disp := scheduler.New(engine, st, senders, scheduler.WithLogger(logger), scheduler.WithObserver(observeReminder), scheduler.WithLimits(limits))
	workers = append(workers, func(ctx context.Context) error { return disp.Run(ctx, cfg.SchedulerTick) })

	var platforms []string // as the engine and the adapters label their metrics (Platform.Name)
	if cfg.TelegramToken != "" {
		platforms = append(platforms, flows.Telegram.Name())
	}
	if cfg.DiscordToken != "" {
		platforms = append(platforms, flows.Discord.Name())
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
				logger.Error("worker stopped", "error", flows.ErrorKind(err))
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

// byKind runs work and returns its error named by its kind ([flows.ErrorKind]) and type only:
// the elector logs the text of what its work returns, and a platform library's error may quote
// a request or response body. The error is still there to unwrap, so that its kind is found
// again where the worker's end is logged.
func byKind(work func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := work(ctx); err != nil {
			return kindError{fmt.Sprintf("%s (%T)", flows.ErrorKind(err), err), err}
		}
		return nil
	}
}

// kindError says only its kind, and unwraps to the error it names.
type kindError struct {
	kind  string
	cause error
}

func (e kindError) Error() string { return e.kind }
func (e kindError) Unwrap() error { return e.cause }
