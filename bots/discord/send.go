package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/flows"
)

// Errors that mean a client cannot be messaged: 50007 (cannot send messages to this user) and
// 50278 (the user has no mutual server or DMs closed).
const (
	codeCannotDM    = 50007
	codeCannotDMAlt = 50278
)

// Send delivers messages the bot sends on its own by DM.
func (a *Adapter) Send(ctx context.Context, user flows.UserKey, outs []flows.Outbound) error {
	return a.SendKeyed(ctx, user, "", outs)
}

// SendKeyed delivers a reminder by DM. With a key (the reminder's occurrence), each message
// carries a nonce derived from it, with enforce_nonce, so a retry cannot post it twice.
func (a *Adapter) SendKeyed(ctx context.Context, user flows.UserKey, key string, outs []flows.Outbound) error {
	var ch *discordgo.Channel
	err := a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = a.s.UserChannelCreate(string(user.ID), opts...)
		return err
	})
	if err != nil {
		return mapErr(err)
	}
	return a.sendEach(ctx, ch.ID, outs, key)
}

// sendEach renders and posts messages to a channel in order, and stops at the first that is
// not delivered; a client who cannot be messaged is flows.ErrBlocked. With a key, the parts of
// message n carry nonces derived from key/n.
func (a *Adapter) sendEach(ctx context.Context, channel string, outs []flows.Outbound, key string) error {
	for n, o := range outs {
		k := ""
		if key != "" {
			k = fmt.Sprintf("%s/%d", key, n)
		}
		if err := a.sendAll(ctx, channel, render(o), k); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// messageWithNonce is a message create request with Discord's nonce fields, which discordgo's
// MessageSend lacks.
type messageWithNonce struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// sendAll posts rendered messages in order. With a key, each carries a nonce.
func (a *Adapter) sendAll(ctx context.Context, channel string, msgs []*discordgo.MessageSend, key string) error {
	for n, m := range msgs {
		err := a.rest(ctx, func(opts ...discordgo.RequestOption) error {
			if key == "" || len(m.Files) > 0 {
				_, err := a.s.ChannelMessageSendComplex(channel, m, opts...)
				return err
			}
			body := messageWithNonce{MessageSend: m, Nonce: nonce(key, n), EnforceNonce: true}
			_, err := a.s.RequestWithBucketID(http.MethodPost, discordgo.EndpointChannelMessages(channel), body, discordgo.EndpointChannelMessages(channel), opts...)
			return err
		})
		a.requests.Sent(err, errKind(err), isBlocked(err), "channel", channel)
		if err != nil {
			return err
		}
	}
	return nil
}

// removeButtons takes the buttons off an answered question, so it cannot be pressed again.
func (a *Adapter) removeButtons(ctx context.Context, channel, messageID string) {
	empty := []discordgo.MessageComponent{}
	err := a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: channel, ID: messageID, Components: &empty}, opts...)
		return err
	})
	if err != nil {
		a.log.Debug("discord: buttons not removed", "error", errKind(err))
	}
}

func (a *Adapter) respond(ctx context.Context, i *discordgo.Interaction, r *discordgo.InteractionResponse) {
	err := a.rest(ctx, func(opts ...discordgo.RequestOption) error { return a.s.InteractionRespond(i, r, opts...) })
	if err != nil {
		a.log.Warn("discord: interaction not acknowledged", "error", errKind(err))
	}
}

// rest makes one REST request with the shared retry policy (package adapter). discordgo's own
// 429 handling sleeps without a bound and ignores contexts, so it is off; its rate limit error
// becomes a flows.RateLimitedError to wait on.
func (a *Adapter) rest(ctx context.Context, fn func(...discordgo.RequestOption) error) error {
	return a.requests.Do(ctx, func() error {
		err := fn(discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		var rl *discordgo.RateLimitError
		if errors.As(err, &rl) {
			return &flows.RateLimitedError{RetryAfter: rl.RetryAfter}
		}
		return err
	})
}

func isBlocked(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && (re.Message.Code == codeCannotDM || re.Message.Code == codeCannotDMAlt)
}

func mapErr(err error) error {
	if isBlocked(err) {
		return fmt.Errorf("discord: %w", flows.ErrBlocked)
	}
	return err
}

// errKind names an error without its text (which may quote a request or response body).
func errKind(err error) string {
	var re *discordgo.RESTError
	var rl *discordgo.RateLimitError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &rl):
		return "rate_limited"
	case isBlocked(err), errors.Is(err, flows.ErrBlocked):
		return "cannot_dm"
	case errors.As(err, &re) && re.Response != nil:
		code := 0
		if re.Message != nil {
			code = re.Message.Code
		}
		return fmt.Sprintf("http_%d_code_%d", re.Response.StatusCode, code)
	case errors.As(err, &se):
		return "bad_json"
	}
	return flows.ErrorKind(err)
}
