import { useState } from 'preact/hooks';
import type { ShopApi } from '../api';
import { formatMoney, parseDollars } from '../format';
import { useLoad } from '../hooks';
import { Alert } from './Alert';

/** The buyer's balance, and a deposit in dollars (sent to the API in cents). */
export const AccountCard = ({ api, version }: { api: ShopApi; version: number }) => {
  const account = useLoad(() => api.account(), [api, version]);
  const [amount, setAmount] = useState('');
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string }>();
  const [busy, setBusy] = useState(false);
  const deposit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseDollars(amount);
    if ('error' in parsed) return setMessage({ tone: 'error', text: parsed.error });
    setBusy(true);
    try {
      const updated = await api.deposit(parsed.cents);
      setMessage({
        tone: 'success',
        text: `Deposited ${formatMoney(parsed.cents)}. Your balance is ${formatMoney(updated.balance, updated.currency)}.`,
      });
      setAmount('');
      account.replace(updated);
    } catch (error) {
      setMessage({ tone: 'error', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="account-title">
      <h2 id="account-title">Your balance</h2>
      <p class="balance" aria-live="polite" data-testid="balance">
        {account.data ? formatMoney(account.data.balance, account.data.currency) : account.error ? '—' : '…'}
      </p>
      {account.error && <Alert tone="error">{account.error}</Alert>}
      <form class="inline-form" onSubmit={(e) => void deposit(e)}>
        <label for="deposit-amount">Deposit amount (USD)</label>
        <div class="input-row">
          <span class="prefix" aria-hidden="true">
            $
          </span>
          <input
            id="deposit-amount"
            inputMode="decimal"
            placeholder="25.00"
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
          <button type="submit" class="button" disabled={busy}>
            Deposit
          </button>
        </div>
      </form>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
    </section>
  );
};
