import { minorUnitDigits, type Money } from '@roc-ledger/events';
import type { RecordedEvent } from '@roc-ledger/ledger';

export const formatMoney = (money: Money): string =>
  `${(money.minor / 10 ** minorUnitDigits(money.currency)).toFixed(minorUnitDigits(money.currency))} ${money.currency}`;

/** One line on what an event says, without personal data. */
export const describeEvent = (event: RecordedEvent): string => {
  switch (event.type) {
    case 'CustomerRegistered':
      return `registered (${event.data.origin})`;
    case 'IdentifierLinked':
      return `${event.data.identifier.kind} linked${event.data.verified ? ', verified' : ''}`;
    case 'CustomersMerged':
      return `${event.data.mergedId} merged into ${event.data.survivorId}`;
    case 'ProfileUpdated':
      return `profile: ${Object.keys(event.data).join(', ')}`;
    case 'ConsentGranted':
    case 'ConsentWithdrawn':
      return event.data.purpose;
    case 'ContactPreferenceSet':
      return `${event.data.medium} ${event.data.optedIn ? 'opted in' : 'opted out'}`;
    case 'InteractionRecorded':
      return `${event.data.kind}, by ${event.data.initiatedBy}`;
    case 'EnquiryOpened':
      return `${event.data.enquiryId} ${event.data.topic}, due ${event.data.dueBy}`;
    case 'EnquiryFulfilled':
      return event.data.enquiryId;
    case 'ComplaintOpened':
      return `${event.data.complaintId} ${event.data.category} (${event.data.severity}), due ${event.data.dueBy}`;
    case 'ComplaintResolved':
      return `${event.data.complaintId} ${event.data.outcome}`;
    case 'SentimentRecorded':
      return `score ${event.data.score} by ${event.data.agentId}`;
    case 'IdeaSubmitted':
      return event.data.ideaId;
    case 'IdeaVoted':
      return `${event.data.vote} on ${event.data.ideaId}`;
    case 'OfferPresented':
      return `${event.data.offerId} ${event.data.campaign}`;
    case 'OfferAccepted':
    case 'OfferDeclined':
      return event.data.offerId;
    case 'PurchaseMade':
      return `${event.data.orderId} ${formatMoney(event.data.amount)}`;
    case 'RefundIssued':
      return `${event.data.orderId} ${formatMoney(event.data.amount)}`;
    case 'CostToServeRecorded':
      return `${event.data.category} ${formatMoney(event.data.amount)}`;
    case 'CustomerDefected':
      return event.data.reason;
    case 'CustomerErased':
      return `personal data erased (${event.data.basis}; ${event.data.members.length} key${event.data.members.length === 1 ? '' : 's'} destroyed)`;
  }
};
