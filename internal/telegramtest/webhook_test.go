package telegramtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

func TestWebhookMethodsAndPost(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "http://example.test/hook"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("http webhook: %v", err)
	}
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://example.test/hook", SecretToken: "s3cret",
		AllowedUpdates: []string{"message", "my_chat_member"}}); err != nil {
		t.Fatal(err)
	}
	s.Push(telegramtest.PrivateText(1, "x"))
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://example.test/hook" || info.PendingUpdateCount != 1 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	if status, body := raw(t, s, s.Token, "getUpdates", nil); status != http.StatusConflict {
		t.Fatalf("getUpdates with a webhook: %d %v", status, body)
	}
	if ok, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{DropPendingUpdates: true}); !ok || err != nil {
		t.Fatalf("deleteWebhook = %v, %v", ok, err)
	}
	if info, _ := b.GetWebhookInfo(ctx); info.URL != "" || info.PendingUpdateCount != 0 {
		t.Fatalf("info after delete = %+v", info)
	}

	var gotSecret, gotType string
	var gotUpdate models.Update
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotSecret, gotType = r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), r.Header.Get("Content-Type")
		if err := json.NewDecoder(r.Body).Decode(&gotUpdate); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	defer hook.Close()
	resp, err := telegramtest.PostWebhook(hook.URL, "s3cret", telegramtest.EditedText(42, 10, "fixed"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || gotSecret != "s3cret" || gotType != "application/json" ||
		gotUpdate.ID == 0 || gotUpdate.EditedMessage == nil || gotUpdate.EditedMessage.ID != 10 ||
		gotUpdate.EditedMessage.EditDate == 0 || gotUpdate.EditedMessage.Text != "fixed" {
		t.Fatalf("webhook got %q %q %+v (%d)", gotSecret, gotType, gotUpdate, resp.StatusCode)
	}
}
