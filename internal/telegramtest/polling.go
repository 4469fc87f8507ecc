package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
)

type queued struct {
	id   int64
	kind string
	raw  json.RawMessage
}

// SetMaxPollWait caps how long a getUpdates waits for updates, whatever timeout the bot asks
// for (go-telegram/bot asks for 59 s). The default is 1 s; pushes wake a waiting poll at once,
// so the cap only bounds how long an idle poll lasts. As calls are recorded when answered, a
// test that waits for a poll (say, the one confirming an offset) should set a short cap.
func (s *Server) SetMaxPollWait(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxWait = d
}

// Push queues an update for getUpdates and returns its update_id, assigning the next one if
// u.UpdateID is zero. Like Telegram it also updates the fake's idea of the world: a callback
// query on a message the bot sent gets that message (sender, text, keyboard, date); a nil
// bot User in a my_chat_member is the bot; my_chat_member "kicked" in a private chat blocks
// it (see BlockUser), "member" or a private message from the user unblocks it.
func (s *Server) Push(u Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpdate
	}
	if u.UpdateID >= s.nextUpdate {
		s.nextUpdate = u.UpdateID + 1
	}
	s.absorb(&u)
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: Push: %v", err))
	}
	q := queued{id: u.UpdateID, kind: u.Kind(), raw: raw}
	i := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id > q.id })
	s.queue = append(s.queue, queued{})
	copy(s.queue[i+1:], s.queue[i:])
	s.queue[i] = q
	close(s.pushedCh)
	s.pushedCh = make(chan struct{})
	return int(u.UpdateID)
}

// absorb completes u from the server's state and applies its side effects. s.mu is held.
func (s *Server) absorb(u *Update) {
	if m := u.Message; m != nil {
		s.chats[m.Chat.ID] = m.Chat
		if m.Chat.Type == "private" {
			delete(s.blocked, m.Chat.ID)
		}
	}
	if q := u.CallbackQuery; q != nil {
		cq := *q
		if q.Message != nil {
			m := *q.Message
			if st, ok := s.messages[msgKey{m.Chat.ID, m.MessageID}]; ok {
				m = st.msg
			}
			if m.From == nil {
				me := s.me
				m.From = &me
			}
			cq.Message = &m
		}
		u.CallbackQuery = &cq
		s.callbacks[cq.ID] = false
	}
	if c := u.MyChatMember; c != nil {
		cm := *c
		for _, m := range []*ChatMember{&cm.OldChatMember, &cm.NewChatMember} {
			if m.User == nil {
				me := s.me
				m.User = &me
			}
		}
		u.MyChatMember = &cm
		if cm.Chat.Type == "private" {
			switch cm.NewChatMember.Status {
			case "kicked":
				s.blocked[cm.Chat.ID] = true
			case "member":
				delete(s.blocked, cm.Chat.ID)
			}
		}
	}
}

// Pending is the number of updates queued and not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// AllowedUpdates is the allowed_updates list last set by getUpdates or setWebhook, nil if the
// bot never set one (an empty list means Telegram's default).
func (s *Server) AllowedUpdates() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.allowed...)
}

// getUpdates is the long poll.
func (s *Server) getUpdates(ctx context.Context, c Call) (any, *Fault) {
	offset, _ := strconv.ParseInt(c.Fields["offset"], 10, 64)
	limit := 100
	if v, err := strconv.Atoi(c.Fields["limit"]); err == nil && v > 0 && v < 100 {
		limit = v
	}
	timeout, _ := strconv.Atoi(c.Fields["timeout"])

	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		return nil, &Fault{Status: http.StatusConflict,
			Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if raw, ok := c.Fields["allowed_updates"]; ok {
		var list []string
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			s.mu.Unlock()
			return nil, badRequest("can't parse allowed updates JSON object")
		}
		s.allowed = append([]string{}, list...)
	}
	if s.poll != nil {
		close(s.poll) // Telegram ends the earlier request of another poller
	}
	mine := make(chan struct{})
	s.poll = mine
	s.confirm(offset)
	wait := min(time.Duration(max(timeout, 0))*time.Second, s.maxWait)
	s.mu.Unlock()

	timer := time.NewTimer(wait)
	defer timer.Stop()
	expired := wait <= 0
	for {
		select {
		case <-mine:
			return nil, &Fault{Status: http.StatusConflict}
		default:
		}
		s.mu.Lock()
		batch := s.take(limit)
		if len(batch) > 0 || expired {
			if s.poll == mine {
				s.poll = nil
			}
			s.mu.Unlock()
			return batch, nil
		}
		pushed := s.pushedCh
		s.mu.Unlock()
		select {
		case <-pushed:
		case <-timer.C:
			expired = true
		case <-mine:
		case <-ctx.Done():
			expired = true
		case <-s.closed:
			expired = true
		}
	}
}

// confirm forgets the updates before offset, as a getUpdates with that offset does. A negative
// offset keeps only the last -offset updates. s.mu is held.
func (s *Server) confirm(offset int64) {
	switch {
	case offset > 0:
		i := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id >= offset })
		s.queue = append([]queued(nil), s.queue[i:]...)
	case offset < 0:
		if n := int(-offset); n < len(s.queue) {
			s.queue = append([]queued(nil), s.queue[len(s.queue)-n:]...)
		}
	}
}

// take returns up to limit queued updates of allowed kinds, dropping the others as Telegram
// never stores them. s.mu is held.
func (s *Server) take(limit int) []json.RawMessage {
	out := []json.RawMessage{}
	kept := s.queue[:0]
	for _, q := range s.queue {
		if !s.allows(q.kind) {
			continue
		}
		kept = append(kept, q)
		if len(out) < limit {
			out = append(out, q.raw)
		}
	}
	s.queue = kept
	return out
}

// allows reports whether updates of kind are delivered. s.mu is held.
func (s *Server) allows(kind string) bool {
	if len(s.allowed) == 0 {
		return kind != "chat_member" && kind != "message_reaction" && kind != "message_reaction_count"
	}
	for _, a := range s.allowed {
		if a == kind {
			return true
		}
	}
	return false
}
