package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/bots/adapter"
	"github.com/interlude-bot/interlude/internal/wait"
)

// allowedUpdates are the updates the bot asks for; my_chat_member tells when a client blocks it.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// Poll long-polls getUpdates until ctx ends. It asks for the next updates only after every
// update of the last batch was saved; an update that cannot be saved (Redis down) is retried
// with backoff, never dropped.
func (a *Adapter) Poll(ctx context.Context) error {
	if err := a.call(ctx, func() error { _, err := a.bot.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); return err }); err != nil && ctx.Err() == nil {
		a.log.Warn("telegram: deleteWebhook failed", "error", errKind(err))
	}
	var offset int64
	var backoff wait.Backoff
	for ctx.Err() == nil {
		// Through the shared request policy: on 429 it waits what Telegram asks.
		var updates []*models.Update
		err := a.call(ctx, func() error {
			var err error
			updates, err = a.getUpdates(ctx, offset)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			a.log.Warn("telegram: getUpdates failed", "error", errKind(err))
			backoff.Wait(ctx)
			continue
		}
		backoff.Reset()
		if len(updates) == 0 {
			continue
		}
		a.handleBatch(ctx, updates)
		if ctx.Err() != nil {
			return nil
		}
		offset = updates[len(updates)-1].ID + 1
	}
	return nil
}

// batchWorkers is how many clients' updates of one batch are handled at the same time. A batch
// holds at most 100 updates and the next is asked for only when all are handled, so the more
// of them run at once, the less the slowest holds everyone else up.
const batchWorkers = 64

// handleBatch handles a batch of updates: those of one chat in order, different chats at the
// same time. It returns when every update is saved (or ctx ends); one that cannot be saved is
// retried with backoff, never dropped.
func (a *Adapter) handleBatch(ctx context.Context, updates []*models.Update) {
	var order []int64
	byChat := map[int64][]*models.Update{}
	for _, u := range updates {
		_, _, chat := inbound(u, a.username)
		if _, ok := byChat[chat]; !ok {
			order = append(order, chat)
		}
		byChat[chat] = append(byChat[chat], u)
	}
	work := make(chan []*models.Update)
	var wg sync.WaitGroup
	for range min(batchWorkers, len(order)) {
		wg.Go(func() {
			for us := range work {
				for _, u := range us {
					what := "telegram: update " + strconv.FormatInt(u.ID, 10)
					_ = adapter.UntilSaved(ctx, a.log, what, nil, func() error { return a.handle(ctx, u) })
				}
			}
		})
	}
	for _, chat := range order {
		work <- byChat[chat]
	}
	close(work)
	wg.Wait()
}

// getUpdates asks for updates from offset on. The library's own loop confirms updates before
// they are handled, so this one request is made here.
func (a *Adapter) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(a.cfg.PollTimeout / time.Second),
		"allowed_updates": allowedUpdates,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("bad request")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, redact(err, a.cfg.Token)
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("decode getUpdates: status %d", resp.StatusCode)
	}
	switch {
	case r.OK:
		// One update this library cannot decode must not stall every update after it: it is
		// skipped (its id still moves the offset on), and the rest are handled.
		updates := make([]*models.Update, 0, len(r.Result))
		for _, raw := range r.Result {
			var u models.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				var id struct {
					ID int64 `json:"update_id"`
				}
				_ = json.Unmarshal(raw, &id)
				a.log.Warn("telegram: update skipped: cannot be decoded", "update", id.ID)
				u = models.Update{ID: id.ID}
			}
			updates = append(updates, &u)
		}
		return updates, nil
	case r.ErrorCode == http.StatusConflict:
		return nil, fmt.Errorf("%w: another instance is polling with this token, or a webhook is set", bot.ErrorConflict)
	case r.ErrorCode == http.StatusTooManyRequests:
		return nil, &bot.TooManyRequestsError{Message: r.Description, RetryAfter: r.Parameters.RetryAfter}
	case r.ErrorCode == http.StatusUnauthorized:
		return nil, ErrUnauthorized
	}
	return nil, fmt.Errorf("getUpdates: %d", r.ErrorCode)
}
