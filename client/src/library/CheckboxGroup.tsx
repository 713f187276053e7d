import './library.css';

/** A group of checkboxes with one legend and one error message. */
export function CheckboxGroup<T extends string>(props: {
  id: string;
  legend: string;
  values: readonly T[];
  labelOf: (v: T) => string;
  selected: T[];
  onChange: (next: T[]) => void;
  error?: string | undefined;
}) {
  const { id, legend, values, labelOf, selected, onChange, error } = props;
  return (
    <fieldset
      className={error ? 'field field--error' : 'field'}
      id={id}
      tabIndex={-1}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
      {values.map((v) => (
        <div key={v} className="checkbox">
          <input
            type="checkbox"
            id={`${id}-${v}`}
            checked={selected.includes(v)}
            onChange={(e) => onChange(e.target.checked ? [...selected, v] : selected.filter((x) => x !== v))}
          />
          <label htmlFor={`${id}-${v}`}>{labelOf(v)}</label>
        </div>
      ))}
    </fieldset>
  );
}
