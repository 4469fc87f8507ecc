package telegramtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

func TestGetMeAndWrongToken(t *testing.T) {
	s := telegramtest.New(t, token)
	b, err := bot.New(token, bot.WithServerURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(context.Background())
	if err != nil || !me.IsBot || me.ID != 123456 || me.Username != s.Me().Username {
		t.Fatalf("getMe = %+v, %v", me, err)
	}

	_, err = bot.New("654321:wrong", bot.WithServerURL(s.URL))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	status, body := raw(t, s, "654321:wrong", "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
	want := map[string]any{"ok": false, "error_code": float64(401), "description": "Unauthorized"}
	if status != http.StatusUnauthorized || !equalJSON(body, want) {
		t.Fatalf("wrong token: %d %v", status, body)
	}
	status, body = raw(t, s, s.Token, "noSuchMethod", nil)
	if status != http.StatusNotFound || body["error_code"] != float64(404) || body["ok"] != false {
		t.Fatalf("unknown method: %d %v", status, body)
	}
	// bot.New calls getMe, then b.GetMe, then the wrong token's bot.New.
	if c := s.Calls("getMe"); len(c) != 3 || c[0].Failed() || c[1].Failed() || c[2].Status != http.StatusUnauthorized {
		t.Fatalf("getMe calls: %v", c)
	}
}

func TestJSONAndURLEncodedBodies(t *testing.T) {
	s := telegramtest.New(t, token)
	body := `{"chat_id":42,"text":"hi","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]},"disable_notification":true}`
	resp, err := http.Post(s.URL+"/bot"+token+"/SENDMESSAGE", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		OK     bool           `json:"ok"`
		Result models.Message `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || !res.OK || res.Result.Chat.ID != 42 {
		t.Fatalf("JSON body: %+v %v", res, err)
	}
	resp.Body.Close()
	status, _ := raw(t, s, token, "sendMessage", url.Values{"chat_id": {"43"}, "text": {"hey"}})
	if status != http.StatusOK {
		t.Fatalf("url-encoded: %d", status)
	}
	c := s.Calls("sendMessage")
	if len(c) != 2 || c[0].Fields["chat_id"] != "42" || c[0].Fields["disable_notification"] != "true" ||
		c[0].Fields["reply_markup"] != `{"inline_keyboard":[[{"callback_data":"a","text":"A"}]]}` || c[1].Fields["text"] != "hey" {
		t.Fatalf("calls = %v", c)
	}
}
