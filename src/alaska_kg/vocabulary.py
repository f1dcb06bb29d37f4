"""The ak: ontology as a closed rdflib namespace, so that a mistyped term is an error (build path only)."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class AK(DefinedNamespace):
    """Every term declared in ontology/alaska.ttl; a test keeps the two equal."""

    _fail = True
    _NS = Namespace("https://w3id.org/alaska-kg/ontology#")

    # classes
    Administration: URIRef
    Agent: URIRef
    ArticleSection: URIRef
    Assessment: URIRef
    AssumptionOfOffice: URIRef
    BilateralRelations: URIRef
    Book: URIRef
    CameoEventType: URIRef
    City: URIRef
    Company: URIRef
    Country: URIRef
    Currency: URIRef
    Cyberattack: URIRef
    Delegation: URIRef
    DiplomaticTalks: URIRef
    DiplomaticVisit: URIRef
    EditorialMark: URIRef
    Event: URIRef
    GovernmentBody: URIRef
    Group: URIRef
    InternationalGrouping: URIRef
    Issue: URIRef
    IssueRaising: URIRef
    MediaOutlet: URIRef
    MediaRemarks: URIRef
    Meeting: URIRef
    Merchandise: URIRef
    Movement: URIRef
    Organization: URIRef
    Outcome: URIRef
    PartyOrgan: URIRef
    Person: URIRef
    Place: URIRef
    Policy: URIRef
    PolicyDocument: URIRef
    PoliticalParty: URIRef
    Post: URIRef
    PostHolding: URIRef
    ProspectiveOutcome: URIRef
    Protest: URIRef
    Region: URIRef
    SanctionsImposition: URIRef
    Situation: URIRef
    SourceArticle: URIRef
    SourceText: URIRef
    StateOwnedMediaOutlet: URIRef
    Statement: URIRef
    StatementKind: URIRef
    TalksDay: URIRef
    TextUnit: URIRef
    ThinkTank: URIRef
    TradeWar: URIRef
    University: URIRef
    Work: URIRef

    # object properties
    about: URIRef
    addressedTo: URIRef
    adoptedBy: URIRef
    affiliatedWith: URIRef
    after: URIRef
    against: URIRef
    allyOf: URIRef
    attendee: URIRef
    author: URIRef
    before: URIRef
    beganBefore: URIRef
    cameoCode: URIRef
    concernsActor: URIRef
    concernsIssue: URIRef
    concernsPlace: URIRef
    contextSentence: URIRef
    country: URIRef
    during: URIRef
    editorialMark: URIRef
    exampleEvent: URIRef
    expectedAgent: URIRef
    expectedCounterpart: URIRef
    expectedOutcome: URIRef
    explains: URIRef
    framedBy: URIRef
    hasMember: URIRef
    hasSubEvent: URIRef
    heldDuring: URIRef
    heldPost: URIRef
    holder: URIRef
    host: URIRef
    inOrganization: URIRef
    inSection: URIRef
    initiator: URIRef
    ledBy: URIRef
    involves: URIRef
    locatedIn: URIRef
    madeAt: URIRef
    memberOf: URIRef
    outcomeOf: URIRef
    overlappedBy: URIRef
    participant: URIRef
    partner: URIRef
    party: URIRef
    place: URIRef
    postIn: URIRef
    publishedIn: URIRef
    quotesStatement: URIRef
    quotesStatementOf: URIRef
    reasonFor: URIRef
    relationsBetween: URIRef
    reportedBy: URIRef
    respondsTo: URIRef
    saidToAgree: URIRef
    saidToDisagree: URIRef
    saidToDisagreeWith: URIRef
    seeAlsoTopic: URIRef
    sentBy: URIRef
    sourceSentence: URIRef
    speaker: URIRef
    speaksFor: URIRef
    statementKind: URIRef
    subEventOf: URIRef
    subOrganizationOf: URIRef
    targetedParty: URIRef

    # datatype properties
    alleged: URIRef
    date: URIRef
    endDate: URIRef
    hedge: URIRef
    inAnswerTo: URIRef
    jointStatementIssued: URIRef
    politicalLeaning: URIRef
    proposition: URIRef
    quote: URIRef
    quotedRelativeTime: URIRef
    relativeTime: URIRef
    retrievedOn: URIRef
    significance: URIRef
    startDate: URIRef
    turn: URIRef
    year: URIRef
