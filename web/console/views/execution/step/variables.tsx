import type { RunVariables, Variables } from '../../../model/variables';
import { variableText } from '../../../model/variables';

const VariableTable = ({
  variables,
  label,
  empty,
}: {
  variables: Variables | undefined;
  label: string;
  empty: string;
}) => {
  const entries = Object.entries(variables ?? {});
  if (entries.length === 0) return <p class="muted">{empty}</p>;
  return (
    <table class="table variables" aria-label={label}>
      <thead>
        <tr>
          <th>Name</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, json]) => (
          <tr key={name} data-variable={name}>
            <td>
              <code>${name}</code>
            </td>
            <td>
              <pre class="json">{variableText(json)}</pre>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/** The variables the state assigned on its exit, and those in scope when it was entered. */
export const VariablesTab = ({ variables }: { variables: RunVariables | undefined }) => (
  <>
    <h3>Assigned by this state</h3>
    <VariableTable
      variables={variables?.assigned}
      label="Variables assigned"
      empty="This state assigned no variables."
    />
    <h3>In scope when entered</h3>
    <VariableTable variables={variables?.inScope} label="Variables in scope" empty="No variables were in scope." />
  </>
);
