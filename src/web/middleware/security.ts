import helmet from 'helmet';

/**
 * The content security policy of every page: same-origin scripts, styles and
 * images only (images also from https), no inline code, no plugins. Pages
 * differ only in who may frame them.
 */
function contentSecurityPolicy(frameAncestors: readonly string[]) {
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'https:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: [...frameAncestors],
      upgradeInsecureRequests: null,
    },
  };
}

const shared = {
  crossOriginEmbedderPolicy: false,
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' as const },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
};

/** The strict policy for every page but embeds: nobody may frame them, no referrer beyond the origin. */
export const strictSecurity = helmet({
  ...shared,
  contentSecurityPolicy: contentSecurityPolicy(["'none'"]),
  xFrameOptions: { action: 'deny' },
});

/**
 * Embeds (`/embed/…`): framable by the configured sites (any, by default), no
 * X-Frame-Options, otherwise as strict as the rest; they set no cookies.
 *
 * They send no referrer at all. An embedded quiz's results carry the voter's
 * answers in their address (`a=`), and embeds live inside other sites' pages:
 * `no-referrer` rather than `same-origin`, so that nothing an embed requests
 * or opens carries its address, not even to this site, where it would sit in
 * a proxy's or CDN's access log. Nothing here reads the Referer.
 */
export function embedSecurity(frameAncestors: readonly string[]) {
  return helmet({
    ...shared,
    referrerPolicy: { policy: 'no-referrer' },
    contentSecurityPolicy: contentSecurityPolicy(frameAncestors),
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    xFrameOptions: false,
  });
}
