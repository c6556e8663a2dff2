import type { BackendPreference } from '../services/tf-backend';

const CHOICES: readonly BackendPreference[] = ['auto', 'webgl', 'wasm', 'cpu'];

/** `?backend=webgl|wasm|cpu` forces a backend (for checks and benchmarks); otherwise `auto`. */
export function backendFromUrl(search: string): BackendPreference {
  const wanted = new URLSearchParams(search).get('backend');
  return CHOICES.find((c) => c === wanted) ?? 'auto';
}
