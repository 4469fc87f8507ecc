package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/flows"
)

// Send delivers messages the bot sends on its own (reminders), merged by the dispatcher.
func (a *Adapter) Send(ctx context.Context, user flows.UserKey, outs []flows.Outbound) error {
	chat, err := chatID(user)
	if err != nil {
		return fmt.Errorf("telegram: bad chat id for %s", user)
	}
	return a.sendTo(ctx, chat, outs)
}

// sendTo renders and sends messages to a chat, in order: long texts split at paragraphs,
// everything escaped for HTML parse mode. It stops at the first that is not delivered.
func (a *Adapter) sendTo(ctx context.Context, chat int64, outs []flows.Outbound) error {
	for _, o := range outs {
		if err := a.sendOne(ctx, chat, o); err != nil {
			a.requests.Sent(err, errKind(err), errors.Is(err, flows.ErrBlocked), "chat", chat)
			return err
		}
	}
	return nil
}

func (a *Adapter) sendOne(ctx context.Context, chat int64, o flows.Outbound) error {
	parts := flows.SplitText(o.Text, maxText)
	// Telegram counts UTF-16 units: a part with many emoji may still be too long.
	for i := 0; i < len(parts); i++ {
		if utf16Len(parts[i]) > maxText {
			smaller := flows.SplitText(parts[i], maxText/2)
			parts = append(parts[:i], append(smaller, parts[i+1:]...)...)
		}
	}
	// A picture or file carries the text as caption when it is short enough.
	withCaption := (o.Image != nil || o.File != nil) && len([]rune(o.Text)) <= maxCaption
	if withCaption {
		parts = nil
	}
	for i, p := range parts {
		if p == "" {
			continue
		}
		params := &bot.SendMessageParams{ChatID: chat, Text: escape(p), ParseMode: models.ParseModeHTML}
		if i == len(parts)-1 && len(o.Buttons) > 0 && o.Image == nil && o.File == nil {
			params.ReplyMarkup = keyboard(o.Buttons)
		}
		if err := a.call(ctx, func() error { _, err := a.bot.SendMessage(ctx, params); return err }); err != nil {
			return err
		}
		a.requests.Sent(nil, "", false)
	}
	caption := ""
	if withCaption {
		caption = escape(o.Text)
	}
	if f := o.Image; f != nil {
		params := &bot.SendPhotoParams{ChatID: chat, Caption: caption, ParseMode: models.ParseModeHTML}
		if err := a.call(ctx, func() error {
			params.Photo = &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}
			_, err := a.bot.SendPhoto(ctx, params)
			return err
		}); err != nil {
			return err
		}
	}
	if f := o.File; f != nil {
		params := &bot.SendDocumentParams{ChatID: chat, Caption: caption, ParseMode: models.ParseModeHTML}
		if err := a.call(ctx, func() error {
			params.Document = &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}
			_, err := a.bot.SendDocument(ctx, params)
			return err
		}); err != nil {
			return err
		}
	}
	if (o.Image != nil || o.File != nil) && len(o.Buttons) > 0 {
		// Buttons go under a short message after the attachment.
		params := &bot.SendMessageParams{ChatID: chat, Text: "…", ReplyMarkup: keyboard(o.Buttons)}
		return a.call(ctx, func() error { _, err := a.bot.SendMessage(ctx, params); return err })
	}
	return nil
}

func (a *Adapter) answerCallback(ctx context.Context, id, text string) {
	err := a.call(ctx, func() error {
		_, err := a.bot.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
		return err
	})
	if err != nil {
		a.log.Debug("telegram: answerCallbackQuery failed", "error", errKind(err))
	}
}

// removeKeyboard takes the buttons off an answered question, so it cannot be pressed again.
func (a *Adapter) removeKeyboard(ctx context.Context, chat int64, messageID int) {
	err := a.call(ctx, func() error {
		_, err := a.bot.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{
			ChatID: chat, MessageID: messageID,
			ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}},
		})
		return err
	})
	if err != nil {
		a.log.Debug("telegram: keyboard not removed", "error", errKind(err))
	}
}

// call makes one Bot API request with the shared retry policy (package adapter): the
// library's 429 becomes a flows.RateLimitedError to wait on, and 403 means the client blocked
// the bot (flows.ErrBlocked).
func (a *Adapter) call(ctx context.Context, fn func() error) error {
	return a.requests.Do(ctx, func() error {
		err := fn()
		var tm *bot.TooManyRequestsError
		switch {
		case errors.As(err, &tm):
			return &flows.RateLimitedError{RetryAfter: time.Duration(tm.RetryAfter) * time.Second}
		case errors.Is(err, bot.ErrorForbidden):
			return fmt.Errorf("telegram: %w", flows.ErrBlocked)
		}
		return err
	})
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
