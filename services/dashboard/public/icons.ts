// One small icon per channel (inline SVG, drawn here: nothing is fetched). The channel's name is
// always written beside it, so the icon itself is hidden from screen readers.

const PATHS: Readonly<Record<string, string>> = {
  web: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm0 2c1.2 1.4 2 3.6 2.3 6H9.7C10 7.6 10.8 5.4 12 4Zm-2.3 8h4.6c-.3 2.4-1.1 4.6-2.3 6-1.2-1.4-2-3.6-2.3-6ZM4.1 12h3.6c.1 2.2.7 4.3 1.6 5.9A8 8 0 0 1 4.1 12Zm0-2a8 8 0 0 1 5.2-5.9c-.9 1.6-1.5 3.7-1.6 5.9H4.1Zm12.2 2h3.6a8 8 0 0 1-5.2 5.9c.9-1.6 1.5-3.7 1.6-5.9Zm0-2c-.1-2.2-.7-4.3-1.6-5.9A8 8 0 0 1 19.9 10h-3.6Z',
  phone: 'M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1L6.6 10.8Z',
  store: 'M4 4h16l1 5a3 3 0 0 1-2 2.8V20H5v-8.2A3 3 0 0 1 3 9l1-5Zm3 9v5h4v-5H7Zm6 0v5h4v-5h-4Z',
  email: 'M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Zm1 2.4V17h16V7.4l-8 5.3-8-5.3ZM5.2 7 12 11.5 18.8 7H5.2Z',
  app: 'M7 2h10a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2Zm0 3v13h10V5H7Zm5 14.2a1 1 0 1 0 0 .01Z',
  partner: 'M8 11a3 3 0 1 1 0-6 3 3 0 0 1 0 6Zm8 0a3 3 0 1 1 0-6 3 3 0 0 1 0 6ZM2 19c0-3 3-5 6-5s6 2 6 5H2Zm12.5 0c0-1.9-.8-3.5-2-4.6.9-.3 1.6-.4 3.5-.4 3 0 6 2 6 5h-7.5Z',
  system: 'M12 8a4 4 0 1 1 0 8 4 4 0 0 1 0-8Zm-1-6h2l.5 2.6 2 .8 2.2-1.5 1.4 1.4-1.5 2.2.8 2 2.6.5v2l-2.6.5-.8 2 1.5 2.2-1.4 1.4-2.2-1.5-2 .8L13 22h-2l-.5-2.6-2-.8-2.2 1.5-1.4-1.4 1.5-2.2-.8-2L2 13v-2l2.6-.5.8-2-1.5-2.2 1.4-1.4 2.2 1.5 2-.8L11 2Z',
};

const SVG = 'http://www.w3.org/2000/svg';

export const channelIcon = (channel: string): SVGSVGElement => {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('data-channel', channel);
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', PATHS[channel] ?? PATHS.system!);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
};
