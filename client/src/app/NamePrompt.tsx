import { useState, type FormEvent } from 'react';

/**
 * Asks for a display name without getting in the way: a card in the corner, no focus stealing,
 * no modal. Typing in the document keeps working while it is open.
 */
export function NamePrompt({ guestName, onName, onDismiss }: { guestName: string; onName: (name: string) => void; onDismiss: () => void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onName(value);
  };
  return (
    <form className="name-prompt" onSubmit={submit} aria-label="Your name">
      <label className="name-prompt__label" htmlFor="tandem-name-input">
        What should others call you? <span className="name-prompt__hint">You appear as {guestName}.</span>
      </label>
      <div className="name-prompt__row">
        <input id="tandem-name-input" value={value} onChange={(e) => setValue(e.target.value)} placeholder="Your name" maxLength={60} autoComplete="name" />
        <button type="submit" disabled={!value.trim()}>Save</button>
        <button type="button" className="name-prompt__later" onClick={onDismiss}>Not now</button>
      </div>
    </form>
  );
}
