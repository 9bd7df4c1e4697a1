/** Small word lists for plausible personal data. Every name here is made up by combination. */
export const GIVEN_NAMES = ['Anna', 'Ben', 'Clara', 'David', 'Elif', 'Femi', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kaja', 'Luca', 'Mira', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wim', 'Yara', 'Zeno'] as const;
export const FAMILY_NAMES = ['Albers', 'Brandt', 'Costa', 'Dietz', 'Engel', 'Fischer', 'Graf', 'Hahn', 'Ivanova', 'Jung', 'Keller', 'Lange', 'Meyer', 'Novak', 'Ortiz', 'Peters', 'Quast', 'Roth', 'Schulz', 'Tan', 'Ulrich', 'Vogel', 'Weber', 'Yilmaz'] as const;
export const CITIES = [
  ['Berlin', '10115'],
  ['Hamburg', '20095'],
  ['Munich', '80331'],
  ['Cologne', '50667'],
  ['Leipzig', '04109'],
  ['Bremen', '28195'],
] as const;
export const STREETS = ['Lindenweg', 'Hauptstrasse', 'Am Markt', 'Bahnhofstrasse', 'Gartenweg', 'Kirchplatz'] as const;
export const ENQUIRY_TOPICS = ['delivery-status', 'product-question', 'invoice', 'warranty', 'account', 'store-hours'] as const;
export const COMPLAINT_CATEGORIES = ['late-delivery', 'damaged-item', 'billing-error', 'rude-service', 'product-quality'] as const;
export const CAMPAIGNS = ['spring-sale', 'loyalty-bonus', 'new-arrivals', 'winback', 'birthday', 'clearance'] as const;
export const PRODUCTS = ['headphones', 'coffee-maker', 'running-shoes', 'backpack', 'desk-lamp', 'tea-set', 'jacket'] as const;
export const SENTIMENT_NOTES: Record<number, readonly string[]> = {
  [-2]: ['Customer was angry and threatened to leave.', 'Very upset about being passed between departments.'],
  [-1]: ['Customer sounded frustrated but calmed down.', 'Unhappy with the waiting time.'],
  [0]: ['Neutral call, customer wanted facts only.', 'Routine question, no strong feelings.'],
  [1]: ['Customer was pleased with the quick answer.', 'Friendly chat, thanked the agent.'],
  [2]: ['Customer was delighted and said they would recommend us.', 'Very happy, praised the store staff.'],
};
export const IDEA_TITLES = ['Longer opening hours on Saturdays', 'Refill station for coffee beans', 'Repair service for shoes', 'Paper-free receipts by e-mail', 'Loyalty points for recycling'] as const;
