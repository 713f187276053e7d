/**
 * A value already written as JSON text, sent as it is (`mountRoutes` answers it as
 * `application/json`): a hot read that keeps the parts every reader shares serialized once.
 */
export class JsonText {
  constructor(readonly text: string) {}
}
