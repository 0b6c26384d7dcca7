/** Build output. Will stream `buildLogAppended` over graphql-ws once builds exist in the API. */
export function BuildLogPanel() {
  return (
    <section className="panel" aria-label="Build log">
      <pre className="log">No build running.</pre>
    </section>
  );
}
