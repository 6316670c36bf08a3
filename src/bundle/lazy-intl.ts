/**
 * Put in place of the global `Intl.ListFormat` in the CLI's bundle (package.json "bundle": esbuild's --inject). got's
 * type checks (@sindresorhus/is) build two list formatters as their module loads, for their error messages alone,
 * and building one loads ICU's locale data: about 9 MB of every command's memory that talks to the exchange. This one
 * builds the real formatter the first time it formats.
 */
class LazyListFormat {
  private readonly args: ConstructorParameters<typeof Intl.ListFormat>;
  private real: Intl.ListFormat | undefined;

  constructor(...args: ConstructorParameters<typeof Intl.ListFormat>) {
    this.args = args;
  }

  format(list: Iterable<string>): string {
    this.real ??= new Intl.ListFormat(...this.args);
    return this.real.format(list);
  }
}

export { LazyListFormat as 'Intl.ListFormat' };
