"""Portuguese words residents use for places and questions (European and Cape Verdean usage; accents optional).

Glossary: bot/locales/pt/glossary.md. Includes the words Cape Verdeans use in Portuguese and a few
common Kriolu ones (djuda = ajuda, mininu = criança).
"""

CATEGORIES: dict[str, tuple[str, ...]] = {
    "buurthuiskamer": ("sala de convívio do bairro", "sala de convívio", "casa do bairro", "centro do bairro",
                       "centro comunitário", "centro social", "convívio"),
    "inloophuis": ("casa aberta", "centro de acolhimento", "acolhimento", "ponto de encontro", "atendimento"),
    "speeltuin": ("parque infantil", "parque infantis", "parques infantis", "parque de diversões", "baloiço",
                  "escorrega", "parque para crianças", "parquinho"),
    "groenplek": ("espaço verde", "jardim", "horta", "horta comunitária", "parque", "jardim do bairro"),
    "kunstatelier": ("ateliê de arte", "ateliê", "atelier", "arte", "pintura", "oficina de arte"),
    "sportclub": ("clube desportivo", "clube de desporto", "desporto", "futebol", "ginásio", "natação"),
    "zelforganisatie": ("associação comunitária", "associação", "associação cabo-verdiana", "comunidade",
                        "associação cultural"),
    "straatvereniging": ("associação de rua", "associação de moradores", "moradores", "vizinhos"),
    "voedselhulp": ("ajuda alimentar", "banco alimentar", "cabaz", "cabaz de comida", "comida grátis",
                    "comida de graça", "comida"),
    "taalcafe": ("café de línguas", "curso de neerlandês", "aprender neerlandês", "aulas de língua",
                 "curso de holandês", "aprender holandês", "neerlandês"),
    "huiswerkbegeleiding": ("apoio aos trabalhos de casa", "trabalhos de casa", "explicações", "apoio escolar",
                            "ajuda com os trabalhos de casa", "tpc"),
    "repaircafe": ("café de reparações", "reparações", "reparação", "consertar", "conserto", "arranjar"),
}

INTENTS: dict[str, tuple[str, ...]] = {
    "help": ("ajuda", "ajudar", "ajuda-me", "socorro", "djuda", "como funciona", "não percebo", "nao percebo"),
    "agenda": ("atividades", "atividade", "o que há", "o que ha", "que há", "agenda", "programa", "eventos"),
    "places": ("local", "locais", "sítio", "onde", "onde fica", "onde há"),
    "near_me": ("perto de mim", "perto", "aqui perto", "ao pé de mim", "na minha zona", "no meu bairro", "próximo",
                "mais perto"),
    "open_now": ("aberto agora", "aberta agora", "agora aberto", "está aberto", "abertos agora"),
    "register": ("registar", "registo", "registar iniciativa", "inscrever"),
    "idea": ("tenho uma ideia", "ideia para o bairro", "minha ideia", "quero sugerir", "quero propor", "tenho uma sugestão",
             "sugestão", "uma sugestão", "proposta", "tenho uma proposta"),
    "today": ("hoje",),
    "tomorrow": ("amanhã", "amanha"),
    "weekend": ("fim de semana", "fim-de-semana", "este fim de semana", "sábado e domingo"),
    "this_week": ("esta semana", "nesta semana"),
    "children": ("crianças", "criança", "para crianças", "miúdos", "mininu", "jovens"),
    "language": ("língua", "idioma", "português", "mudar a língua"),
    "greeting": ("olá", "ola", "bom dia", "boa tarde", "boa noite", "oi"),
    "thanks": ("obrigado", "obrigada", "muito obrigado", "muito obrigada", "obrigadu"),
}

WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("segunda-feira", "segunda", "seg"),
    ("terça-feira", "terça", "ter"),
    ("quarta-feira", "quarta", "qua"),
    ("quinta-feira", "quinta", "qui"),
    ("sexta-feira", "sexta", "sex"),
    ("sábado", "sab", "sáb"),
    ("domingo", "dom"),
)

LANGUAGE_NAMES: dict[str, str] = {
    "português": "pt", "portugues": "pt", "em português": "pt", "crioulo": "pt", "kriolu": "pt",
    "turco": "tr", "árabe": "ar", "polaco": "pl", "inglês": "en", "neerlandês": "nl", "holandês": "nl",
    "espanhol": "es", "francês": "fr",
}
