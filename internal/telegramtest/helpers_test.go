package telegramtest_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"testing"

	"github.com/go-telegram/bot"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

const token = "123456:TEST-token"

// newBot is a go-telegram/bot client of s that does not call getMe.
func newBot(t *testing.T, s *telegramtest.Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{bot.WithServerURL(s.URL), bot.WithSkipGetMe(), bot.WithErrorsHandler(func(error) {})}, opts...)
	b, err := bot.New(s.Token, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// raw calls method with url-encoded params and returns the HTTP status and decoded body.
func raw(t *testing.T, s *telegramtest.Server, tok, method string, params url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/bot"+tok+"/"+method, params)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// updateIDs calls getUpdates with params and returns the update ids it got.
func updateIDs(t *testing.T, s *telegramtest.Server, params url.Values) []int {
	t.Helper()
	status, body := raw(t, s, s.Token, "getUpdates", params)
	if status != http.StatusOK {
		t.Fatalf("getUpdates %v: %d %v", params, status, body)
	}
	ids := []int{}
	for _, u := range body["result"].([]any) {
		ids = append(ids, int(u.(map[string]any)["update_id"].(float64)))
	}
	return ids
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
