package telegram

import (
	"context"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/bots/adapter"
	"github.com/interlude-bot/interlude/flows"
)

// groupNoticeTTL is how long a group is not told again that the bot talks only in private.
const groupNoticeTTL = 30 * 24 * time.Hour

// handle applies one update. It returns an error only when the update was not saved (and may
// be handled again); failures to reply are logged.
func (a *Adapter) handle(ctx context.Context, u *models.Update) error {
	in, k, id := inbound(u, a.username)
	switch k {
	case kindIgnore:
		return nil
	case kindBlocked:
		return a.engine.Block(ctx, in.User)
	case kindUnblocked:
		return nil // they come back with /start
	case kindGroup:
		first, err := a.marks.FirstTime(ctx, "tg-group", strconv.FormatInt(id, 10), groupNoticeTTL)
		if err != nil {
			return err
		}
		if first {
			_ = a.sendTo(ctx, id, []flows.Outbound{{Text: adapter.Say(a.engine, in.LanguageHint, adapter.PrivateOnly)}})
		}
		return nil
	case kindElsewhere:
		a.answerCallback(ctx, u.CallbackQuery.ID, adapter.Say(a.engine, in.LanguageHint, adapter.PrivateOnly))
		return nil
	}
	return adapter.Turn(ctx, a.engine, a.log, in, chat{a: a, id: id, press: u.CallbackQuery})
}

// chat is a private chat an update came from, and the button press it carries if any.
type chat struct {
	a     *Adapter
	id    int64
	press *models.CallbackQuery
}

func (c chat) Send(ctx context.Context, outs []flows.Outbound) error {
	return c.a.sendTo(ctx, c.id, outs)
}

// AcknowledgePress answers the callback query, so that the client's app stops its spinner.
func (c chat) AcknowledgePress(ctx context.Context) {
	if c.press != nil {
		c.a.answerCallback(ctx, c.press.ID, "")
	}
}

// RemoveButtons takes the inline keyboard off the answered question.
func (c chat) RemoveButtons(ctx context.Context) {
	if c.press != nil && c.press.Message.Message != nil {
		c.a.removeKeyboard(ctx, c.id, c.press.Message.Message.ID)
	}
}
