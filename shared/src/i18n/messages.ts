import type en from './locales/en.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every language file must have: the English catalogue's keys, any strings. */
export type Messages = Widen<typeof en>;
