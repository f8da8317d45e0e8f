/** The two APIs flarewatch speaks; a suite that runs on both is `describe.each(apis)` (issue 15). */
export type Api = 'v1' | 'v4';
export const apis: readonly Api[] = ['v1', 'v4'];
