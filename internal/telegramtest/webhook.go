package telegramtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"
)

var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func setWebhook(s *Server, c Call) (any, *Fault) {
	url := c.Fields["url"]
	if url != "" && !strings.HasPrefix(strings.ToLower(url), "https://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if tok, ok := c.Fields["secret_token"]; ok && tok != "" && !secretToken.MatchString(tok) {
		return nil, badRequest("bad webhook: secret token contains unallowed characters")
	}
	var allowed []string
	if raw, ok := c.Fields["allowed_updates"]; ok {
		if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates JSON object")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = url
	if allowed != nil {
		s.allowed = allowed
	}
	if c.Fields["drop_pending_updates"] == "true" {
		s.queue = nil
	}
	if s.poll != nil && url != "" {
		close(s.poll)
		s.poll = nil
	}
	return true, nil
}

func deleteWebhook(s *Server, c Call) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = ""
	if c.Fields["drop_pending_updates"] == "true" {
		s.queue = nil
	}
	return true, nil
}

func getWebhookInfo(s *Server, _ Call) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := map[string]any{"url": s.webhook, "has_custom_certificate": false, "pending_update_count": len(s.queue)}
	if s.webhook != "" {
		info["max_connections"] = 40
		info["ip_address"] = "149.154.167.220"
	}
	if len(s.allowed) > 0 {
		info["allowed_updates"] = s.allowed
	}
	return info, nil
}

// PostWebhook posts u to a bot's webhook at url as Telegram does: a JSON body and, when
// secret is not empty, the X-Telegram-Bot-Api-Secret-Token header. A zero UpdateID gets a
// fresh one. The caller closes the response body.
func PostWebhook(url, secret string, u Update) (*http.Response, error) {
	if u.UpdateID == 0 {
		u.UpdateID = 500000000 + webhookSeq.Add(1)
	}
	body, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	return webhookClient.Do(req)
}

// webhookClient gives up like Telegram, which waits about a minute for a webhook's answer.
var webhookClient = &http.Client{Timeout: 60 * time.Second}
