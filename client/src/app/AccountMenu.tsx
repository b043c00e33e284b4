import { useState } from 'react';
import { TandemApi, type Me } from '../editor/api/TandemApi';
import { colorOf, initialsOf, signInHref } from './useMe';

/**
 * The signed-in person's avatar with a menu (name, email, Sign out), or a Sign-in button when
 * the server signs people in and nobody is; nothing on a server without sign-in.
 */
export function AccountMenu({ me }: { me: Me | null }) {
  const [open, setOpen] = useState(false);
  if (!me?.signIn) return null;
  const { user } = me;
  if (!user) {
    return (
      <a className="account__sign-in" href={signInHref()}>
        Sign in
      </a>
    );
  }
  const signOut = () => {
    void new TandemApi('', undefined).logout().finally(() => window.location.assign('/'));
  };
  return (
    <span className="account">
      <button
        type="button"
        className="account__avatar"
        style={{ background: colorOf(user.id) }}
        aria-label={`Account: ${user.name}`}
        title={user.name}
        data-user-name={user.name}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {initialsOf(user.name)}
      </button>
      {open && (
        <span className="account__menu" role="menu" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <span className="account__who">
            <strong>{user.name}</strong>
            {user.email && <span className="account__email">{user.email}</span>}
          </span>
          <button type="button" role="menuitem" onClick={signOut}>
            Sign out
          </button>
        </span>
      )}
    </span>
  );
}
