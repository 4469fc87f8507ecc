package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/bots/adapter"
)

// RegisterWebhook tells Telegram where to deliver updates.
func (a *Adapter) RegisterWebhook(ctx context.Context) error {
	return a.call(ctx, func() error {
		_, err := a.bot.SetWebhook(ctx, &bot.SetWebhookParams{
			URL:            a.cfg.WebhookURL,
			SecretToken:    a.cfg.WebhookSecret,
			AllowedUpdates: allowedUpdates,
		})
		return err
	})
}

// ServeHTTP is the webhook endpoint. It rejects a wrong secret with 401 (constant-time
// comparison), handles the update before answering, and answers 503 when the update could not
// be saved, so that Telegram delivers it again.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.WebhookSecret)) != 1 {
		a.log.Warn("telegram webhook: wrong secret token", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var u models.Update
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&u); err != nil {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	switch err := a.handle(r.Context(), &u); {
	case err == nil:
	case !adapter.Retry(err):
		// Delivered again, it would fail again, and hold up every update after it.
		a.log.Error("telegram webhook: update dropped: a record cannot be read", "update", u.ID, "error", errKind(err))
	default:
		a.log.Warn("telegram webhook: update not saved; Telegram will deliver it again", "update", u.ID, "error", errKind(err))
		http.Error(w, "not saved, try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
