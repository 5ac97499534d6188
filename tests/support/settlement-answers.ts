/**
 * A month's answer as the API answered it before names were printed beside ids (canteens, funding
 * sources, rules, policies) and before a close could carry a note: fixtures recorded then must equal
 * what is answered now, but for these additions.
 */
// biome-ignore lint/suspicious/noExplicitAny: the answer's JSON, shaped as the API documents it
export function asRecordedThen(answer: any): any {
  if (!answer?.canteens) return answer;
  const { closeNote: _note, ...rest } = answer;
  const sources = (parts: { source: string; fen: number }[]) =>
    parts.map(({ source, fen }) => ({ source, fen }));
  return {
    ...rest,
    canteens: answer.canteens.map(
      // biome-ignore lint/suspicious/noExplicitAny: as above
      ({ name: _name, operatingSubsidy: { policyName: _policy, ...operating }, ...canteen }: any) => ({
        ...canteen,
        bySource: sources(canteen.bySource),
        byRule: canteen.byRule.map(({ ruleId, fen }: { ruleId: string; fen: number }) => ({ ruleId, fen })),
        operatingSubsidy: operating,
      }),
    ),
    totals: { ...answer.totals, bySource: sources(answer.totals.bySource) },
  };
}
