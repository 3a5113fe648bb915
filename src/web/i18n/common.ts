export const common = {
  en: {
    'app.title': 'Exchange types playground',
    'nav.home': 'Scenarios',
    'nav.sandbox': 'Sandbox',
    'nav.chat': 'Chat',
    'broker.embedded': 'embedded broker (in-process)',
    'broker.rabbitmq': 'RabbitMQ',
    'broker.away': 'RabbitMQ is unreachable — retrying',
    'lang.switch': 'Français',
  },
  fr: {
    'app.title': 'Terrain de jeu des types d’échange',
    'nav.home': 'Scénarios',
    'nav.sandbox': 'Bac à sable',
    'nav.chat': 'Chat',
    'broker.embedded': 'broker embarqué (dans le serveur)',
    'broker.rabbitmq': 'RabbitMQ',
    'broker.away': 'RabbitMQ est injoignable — nouvelle tentative',
    'lang.switch': 'English',
  },
};
